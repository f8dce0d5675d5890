/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Field, type FieldErrors, type PageCtx } from "@zhengyun/web";
import type { ClaimInput } from "../claim.ts";
import { CONSOLE, link, pathErrors, tr } from "./common.tsx";

/** Line-item rows on the claim form. */
const ROWS = 5;

/** Yuan as typed (`12.5`) → integer fen; anything else fails the schema as "check this field". */
const fen = (v: string | undefined) =>
  !v?.trim()
    ? undefined
    : /^\d+(\.\d{1,2})?$/.test(v.trim())
      ? Math.round(Number(v) * 100)
      : Number.NaN;
const num = (v: string | undefined) => (!v?.trim() ? undefined : Number(v));

/** The form as a claim; `rows` maps a claim item back to its form row (empty rows are skipped). */
export function claimOf(f: Record<string, string>): { input: ClaimInput; rows: number[] } {
  const rows: number[] = [];
  const items = [];
  for (let i = 0; i < ROWS; i++) {
    const g = (k: string) => f[`items.${i}.${k}`]?.trim() ?? "";
    if (!g("code") && !g("quantity") && !g("unitPrice")) continue;
    rows.push(i);
    items.push({
      code: g("code"),
      class: g("class"),
      quantity: num(g("quantity")),
      unitPrice: fen(g("unitPrice")),
    });
  }
  const who = f.personId?.trim() ?? "";
  const person = /^\d{17}[\dXx]$/.test(who) ? { nationalId: who } : who ? { personId: who } : {};
  return {
    input: {
      ...person,
      institutionCode: f.institutionCode ?? "",
      visitType: f.visitType as "outpatient",
      date: f.date ?? "",
      items,
      useAccount: f.useAccount === "on",
    } as ClaimInput,
    rows,
  };
}

/** Issue paths of the claim → form field names (item index → its form row). */
export function formErrors(
  p: PageCtx,
  issues: readonly { path: readonly PropertyKey[] | string }[],
  rows: number[],
) {
  const mapped = issues.map((i) => {
    const path = typeof i.path === "string" ? i.path.split(".") : i.path.map(String);
    if (path[0] === "nationalId") path[0] = "personId";
    if (path[0] === "items") {
      if (rows.length === 0)
        return { ...i, path: "items.0.code", input: undefined, code: "too_small" };
      path[1] = String(rows[Number(path[1])] ?? 0);
      if (path.length === 2) path.push("code");
    }
    return { ...i, path: path.join(".") };
  });
  return pathErrors(p.t, mapped);
}

export function ClaimForm({
  p,
  errors,
  insts,
}: {
  p: PageCtx;
  errors: FieldErrors;
  insts: { value: string; label: string }[];
}) {
  const t = tr(p);
  const f = p.form;
  const classes = (["A", "B", "C"] as const).map((c) => ({ value: c, label: t(`class.${c}`) }));
  return (
    <form method="post" action={link(p, `${CONSOLE}/settle/preview`)} class="card">
      <Field
        name="personId"
        label={t("settle.personId")}
        value={f.personId}
        error={errors.personId}
        hint={t("settle.personHint")}
        required
      />
      <Field
        name="institutionCode"
        label={t("settle.institution")}
        value={f.institutionCode}
        error={errors.institutionCode}
        options={insts}
      />
      <Field
        name="visitType"
        label={t("settle.visitType")}
        value={f.visitType}
        error={errors.visitType}
        options={(["outpatient", "inpatient"] as const).map((v) => ({
          value: v,
          label: t(`visit.${v}`),
        }))}
      />
      <Field
        name="date"
        type="date"
        label={t("settle.date")}
        value={f.date}
        error={errors.date}
        required
      />
      <div class="field">
        <label>
          <input type="checkbox" name="useAccount" checked={f.useAccount === "on"} />{" "}
          {t("settle.useAccount")}
        </label>
      </div>
      <fieldset>
        <legend>{t("settle.items")}</legend>
        <p class="hint">{t("settle.itemsHint")}</p>
        {Array.from({ length: ROWS }, (_, i) => (
          <fieldset class="filters">
            <legend>{t("settle.item", { n: i + 1 })}</legend>
            <Field
              name={`items.${i}.code`}
              label={t("settle.code")}
              value={f[`items.${i}.code`]}
              error={errors[`items.${i}.code`]}
            />
            <Field
              name={`items.${i}.class`}
              label={t("settle.class")}
              value={f[`items.${i}.class`]}
              error={errors[`items.${i}.class`]}
              options={classes}
            />
            <Field
              name={`items.${i}.quantity`}
              label={t("settle.quantity")}
              value={f[`items.${i}.quantity`]}
              error={errors[`items.${i}.quantity`]}
            />
            <Field
              name={`items.${i}.unitPrice`}
              label={t("settle.unitPrice")}
              value={f[`items.${i}.unitPrice`]}
              error={errors[`items.${i}.unitPrice`]}
            />
          </fieldset>
        ))}
      </fieldset>
      <button type="submit">{t("settle.preview")}</button>
    </form>
  );
}
