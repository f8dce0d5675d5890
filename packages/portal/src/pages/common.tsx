/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import { type FieldErrors, formatDateTime, href, type PageCtx } from "@zhengyun/web";
import type { Child } from "hono/jsx";
import { MATERIAL_MAX_BYTES, MATERIAL_TYPES, type MaterialStore } from "../materials.ts";
import { type PortalT, portalMessages } from "./i18n.ts";

export const CONSOLE = "/t/{tenant}/console/portal";

/** The path with the page's tenant filled in, and as a link keeping `lang`. */
export const at = (p: PageCtx, path: string) => path.replace("{tenant}", p.tenant?.slug ?? "");
export const link = (p: PageCtx, path: string, params: Record<string, string> = {}) =>
  href(p, at(p, path), params);

export const tr = (p: PageCtx): PortalT => portalMessages(p.lang);
export const when = (p: PageCtx, d: Date | string | null | undefined, withTime = true) =>
  d ? formatDateTime(new Date(d), p.lang, withTime) : "—";

/**
 * A verb's ValidationError as errors keyed by the issue's full path (`form.shopName`,
 * `materials.0`), or undefined for any other error. The wording is the shell's "check this field".
 */
export function issueErrors(p: PageCtx, err: unknown): FieldErrors | undefined {
  if (!isDomainError(err) || err.code !== "validation") return undefined;
  const out: FieldErrors = {};
  for (const i of err.issues ?? []) out[i.path || "_"] ??= p.t("form.invalid");
  if (Object.keys(out).length === 0) out._ = p.t("form.invalid");
  return out;
}

/** The first error under `prefix` (a list field's `materials.3.form` shows on `materials`). */
export const under = (errors: FieldErrors, prefix: string): string | undefined =>
  errors[prefix] ??
  Object.entries(errors).find(([k]) => k.startsWith(`${prefix}.`))?.[1] ??
  undefined;

/** The app's object store when it can take uploads (the S3 store can). */
export function storeOf(p: PageCtx): MaterialStore | undefined {
  const s = p.c.var.deps.storage;
  return s && "presignUpload" in s ? (s as MaterialStore) : undefined;
}

/** Files of a posted multipart form (the shell copies only the string fields into `p.form`). */
export async function postedFiles(p: PageCtx): Promise<Record<string, File>> {
  const body = await p.c.req.parseBody();
  const out: Record<string, File> = {};
  for (const [k, v] of Object.entries(body))
    if (typeof v !== "string" && v instanceof File && v.size > 0) out[k] = v;
  return out;
}

/** Checks a posted file before it is stored: a declared type we take and a size within bounds. */
export function fileProblem(t: PortalT, f: File): string | undefined {
  if (!MATERIAL_TYPES.includes(f.type)) return t("apply.badType");
  if (f.size > MATERIAL_MAX_BYTES) return t("apply.tooLarge");
  return undefined;
}

export const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/** A labelled file input with its hint and error (the shell's Field has no file type). */
export function FileField(props: {
  name: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  const id = `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : "", props.error ? `${id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type="file"
        accept={ACCEPT}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {props.hint && (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="error-text" id={`${id}-err`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** A definition list of label/value pairs. */
export function Facts({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="card">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** A simple table with a caption, or the empty text. */
export function Table(props: { caption: string; head: string[]; rows: Child[][]; empty: string }) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <table>
      <caption class="muted">{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            {r.map((cell) => (
              <td>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
