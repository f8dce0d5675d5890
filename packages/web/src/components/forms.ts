import { isDomainError } from "@zhengyun/core";
import type { z } from "zod";
import type { Translate } from "../i18n/index.ts";
import type { FieldErrors } from "./ui.tsx";

/**
 * Field errors in the page's language from zod issues (the same schemas the API parses with):
 * an empty required value says "required", anything else "check this field".
 */
export function fieldErrors(
  t: Translate,
  issues: readonly { path: readonly PropertyKey[] | string; code?: string; input?: unknown }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const path = typeof i.path === "string" ? i.path : i.path.map(String).join(".");
    const name = path.split(".")[0] || "_";
    const empty = i.input === undefined || i.input === "";
    out[name] ??=
      empty && (i.code === "too_small" || i.code === "invalid_type")
        ? t("form.required")
        : t("form.invalid");
  }
  return out;
}

export function validate<S extends z.ZodType>(
  t: Translate,
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  return { ok: false, errors: fieldErrors(t, r.error.issues) };
}

/** A verb's ValidationError as field errors, or undefined when `err` is something else. */
export function verbErrors(t: Translate, err: unknown): FieldErrors | undefined {
  if (!isDomainError(err) || err.code !== "validation") return undefined;
  return err.issues?.length ? fieldErrors(t, err.issues) : { _: t("form.invalid") };
}
