/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  type FieldErrors,
  type PageCtx,
  redirect,
  renderPage,
} from "@zhengyun/web";
import { type ClaimInput, claimSchema } from "../claim.ts";
import { listInstitutions } from "../institutions.ts";
import { previewSettlement, type SettlementOutput, settle } from "../settle.ts";
import { ClaimForm, claimOf, formErrors } from "./claim-form.tsx";
import {
  AMOUNTS,
  CONSOLE,
  Facts,
  Hidden,
  link,
  miCtx,
  money,
  navLabel,
  shanghaiDay,
  tr,
} from "./common.tsx";

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
    // The form sends no institution reference, so a conflict here is the person's status.
    if (e.code === "conflict")
      return formPage(p, { refused: t("settle.personInactive"), status: 409 });
    if (e.code === "precondition_failed")
      return formPage(p, { refused: t("settle.noParams"), status: 409 });
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
