/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  redirect,
  renderPage,
} from "@zhengyun/web";
import { type ClaimInput, claimSchema } from "../claim.ts";
import { listInstitutions } from "../institutions.ts";
import { previewSettlement, type SettlementOutput, settle } from "../settle.ts";
import {
  CONSOLE,
  Facts,
  Hidden,
  link,
  miCtx,
  money,
  navLabel,
  pathErrors,
  shanghaiDay,
  tr,
} from "./common.tsx";

const ROWS = 5;
const AMOUNTS = [
  "medfee_sumamt",
  "fulamt_ownpay_amt",
  "preselfpay_amt",
  "inscp_scp_amt",
  "act_pay_dedc",
  "hifp_pay",
  "acct_pay",
  "psn_cash_pay",
  "fund_pay_sumamt",
  "psn_part_amt",
] as const;

/** Yuan as typed (`12.5`) → integer fen; anything else fails the schema as "check this field". */
const fen = (v: string | undefined) =>
  !v?.trim()
    ? undefined
    : /^\d+(\.\d{1,2})?$/.test(v.trim())
      ? Math.round(Number(v) * 100)
      : Number.NaN;
const num = (v: string | undefined) => (!v?.trim() ? undefined : Number(v));

/** The form as a claim; `rows` maps a claim item back to its form row (empty rows are skipped). */
function claimOf(f: Record<string, string>): { input: ClaimInput; rows: number[] } {
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
function formErrors(
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

function ClaimForm({
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

async function formPage(
  p: PageCtx,
  opts: {
    errors?: FieldErrors;
    refused?: string;
    preview?: SettlementOutput;
    status?: 200 | 400 | 409;
  } = {},
) {
  const t = tr(p);
  const insts = (await listInstitutions(miCtx(p)))
    .filter((i) => i.status === "active")
    .map((i) => ({ value: i.code, label: `${i.code} ${i.name}` }));
  const errors = opts.errors ?? {};
  const r = opts.preview;
  const body = (
    <>
      <ErrorSummary p={p} errors={errors} />
      {r && (
        <section aria-labelledby="preview">
          <h2 id="preview">{t("settle.previewTitle")}</h2>
          <p>{t("settle.previewNote")}</p>
          <Facts rows={AMOUNTS.map((k) => [t(`amt.${k}`), money(r[k])])} />
          <form method="post" action={link(p, `${CONSOLE}/settle`)}>
            <Hidden values={p.form} />
            <button type="submit">{t("settle.confirm")}</button>
          </form>
        </section>
      )}
      <ClaimForm p={p} errors={errors} insts={insts} />
    </>
  );
  return renderPage(p, body, {
    title: t("settle.title"),
    status: opts.status ?? 200,
    ...(opts.refused
      ? { flash: { text: t("settle.refused", { reason: opts.refused }), error: true } }
      : {}),
  });
}

/** Runs a verb on the form's claim; bad input and refusals come back on the form, as typed. */
async function withClaim(
  p: PageCtx,
  run: (input: ClaimInput) => Promise<Response>,
): Promise<Response> {
  const t = tr(p);
  const { input, rows } = claimOf(p.form);
  const parsed = claimSchema.safeParse(input);
  if (!parsed.success || rows.length === 0) {
    const issues = parsed.success ? [{ path: ["items"] }] : parsed.error.issues;
    return formPage(p, { errors: formErrors(p, issues, rows), status: 400 });
  }
  try {
    return await run(input);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.code === "validation") {
      const errors = e.issues?.length ? formErrors(p, e.issues, rows) : { _: p.t("form.invalid") };
      return formPage(p, { errors, status: 400 });
    }
    const reason =
      e.code === "precondition_failed"
        ? t("settle.noParams")
        : e.message.includes("already")
          ? t("settle.duplicate")
          : t("settle.personInactive");
    if (e.code === "conflict" || e.code === "precondition_failed")
      return formPage(p, { refused: reason, status: 409 });
    throw e;
  }
}

const form = definePage({
  method: "get",
  path: `${CONSOLE}/settle`,
  permission: "mi:write",
  nav: navLabel("nav.settle"),
  handler: (p) => {
    p.form.personId = p.c.req.query("person") ?? "";
    p.form.date = shanghaiDay(p);
    p.form.visitType = "outpatient";
    return formPage(p);
  },
});

/** 预结算: computes and shows the result; nothing is written. */
const preview = definePage({
  method: "post",
  path: `${CONSOLE}/settle/preview`,
  permission: "mi:write",
  handler: (p) =>
    withClaim(p, async (input) =>
      formPage(p, { preview: await previewSettlement(miCtx(p), input) }),
    ),
});

/** 结算: commits, then back to the person's record with the amounts. */
const commit = definePage({
  method: "post",
  path: `${CONSOLE}/settle`,
  permission: "mi:write",
  handler: (p) =>
    withClaim(p, async (input) => {
      const t = tr(p);
      const r = await settle(miCtx(p), input);
      const done = t("settle.done", {
        id: r.setl_id ?? "",
        fund: money(r.fund_pay_sumamt),
        psn: money(r.psn_part_amt),
      });
      return redirect(
        p,
        `${CONSOLE.replace("{tenant}", p.tenant?.slug ?? "")}/persons/${r.person_id}`,
        r.review ? `${done} ${t("settle.review")}` : done,
      );
    }),
});

export const settlePages = [form, preview, commit];
