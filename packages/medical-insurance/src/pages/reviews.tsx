/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  href,
  type PageCtx,
  redirect,
  renderPage,
  validate,
} from "@zhengyun/web";
import {
  decideReview,
  decisionInput,
  listReviews,
  type RejectionReason,
  rejectionReasons,
} from "../review.ts";
import { at, CONSOLE, link, miCtx, money, navLabel, Table, tr, when } from "./common.tsx";

const PATH = `${CONSOLE}/reviews`;
const statuses = ["pending", "approved", "rejected"] as const;
const codes = Object.keys(rejectionReasons) as RejectionReason[];

/** The review queue, oldest sample first; decided ones by status. */
const queue = definePage({
  method: "get",
  path: PATH,
  permission: "mi:read",
  nav: navLabel("nav.reviews"),
  handler: async (p) => {
    const t = tr(p);
    const status = statuses.find((s) => s === p.c.req.query("status")) ?? "pending";
    const rows = await listReviews(miCtx(p), status);
    const body = (
      <>
        <nav class="pager" aria-label={t("reviews.show")}>
          {statuses.map((s) => (
            <a
              href={link(p, at(p, PATH), { status: s })}
              aria-current={s === status ? "page" : undefined}
            >
              {t(`reviewStatus.${s}`)}
            </a>
          ))}
        </nav>
        <Table
          caption={`${t("reviews.caption")} · ${t(`reviewStatus.${status}`)}`}
          empty={t("reviews.none")}
          head={[
            { label: t("setl.id") },
            { label: t("setl.institution") },
            { label: t("amt.medfee_sumamt"), num: true },
            { label: t("amt.fund_pay_sumamt"), num: true },
            { label: t("reviews.rule") },
            { label: t("reviews.created") },
            { label: status === "pending" ? t("reviews.decide") : t("decide.reasonCode") },
          ]}
          rows={rows.map((r) => [
            <code>{r.settlementId}</code>,
            r.institutionCode,
            money(r.medfeeSumamt),
            money(r.fundPaySumamt),
            t(`rule.${r.rule}`),
            when(p, r.createdAt),
            status === "pending" ? (
              <a
                href={link(p, `${PATH}/${r.settlementId}`)}
                aria-label={`${t("reviews.decide")} ${r.settlementId}`}
              >
                {t("reviews.decide")}
              </a>
            ) : r.reasonCode ? (
              `${r.reasonCode} ${t(`reason.${r.reasonCode as RejectionReason}`)}`
            ) : (
              ""
            ),
          ])}
        />
      </>
    );
    return renderPage(p, body, { title: t("reviews.title") });
  },
});

function decideForm(p: PageCtx, errors: FieldErrors = {}, status: 200 | 400 | 409 = 200) {
  const t = tr(p);
  const id = p.c.req.param("id") ?? "";
  const body = (
    <>
      <ErrorSummary p={p} errors={errors} />
      <form method="post" action={href(p, p.c.req.path)} class="card">
        <Field
          name="decision"
          label={t("decide.decision")}
          value={p.form.decision}
          error={errors.decision}
          options={[
            { value: "approved", label: t("decide.approved") },
            { value: "rejected", label: t("decide.rejected") },
          ]}
        />
        <Field
          name="reasonCode"
          label={t("decide.reasonCode")}
          hint={t("decide.reasonHint")}
          value={p.form.reasonCode}
          error={errors.reasonCode}
          options={[
            { value: "", label: t("decide.noReason") },
            ...codes.map((c) => ({ value: c, label: `${c} ${t(`reason.${c}`)}` })),
          ]}
        />
        <Field
          name="note"
          multiline
          label={t("decide.note")}
          value={p.form.note}
          error={errors.note}
        />
        <button type="submit">{t("decide.submit")}</button>
      </form>
    </>
  );
  return renderPage(p, body, {
    title: t("decide.title", { id }),
    status,
    ...(status === 409 ? { flash: { text: t("decide.already"), error: true } } : {}),
  });
}

const ask = definePage({
  method: "get",
  path: `${PATH}/{id}`,
  permission: "mi:write",
  handler: (p) => decideForm(p),
});

/** A reviewer's decision; a rejection needs a coded reason (the verb's schema says so). */
const decide = definePage({
  method: "post",
  path: `${PATH}/{id}`,
  permission: "mi:write",
  handler: async (p) => {
    const id = p.c.req.param("id") ?? "";
    const input = {
      decision: p.form.decision,
      ...(p.form.reasonCode ? { reasonCode: p.form.reasonCode } : {}),
      ...(p.form.note?.trim() ? { note: p.form.note.trim() } : {}),
    };
    const v = validate(p.t, decisionInput, input);
    if (!v.ok) return decideForm(p, v.errors, 400);
    try {
      await decideReview(miCtx(p), id, v.data);
    } catch (e) {
      if (isDomainError(e) && e.code === "conflict") return decideForm(p, {}, 409);
      throw e;
    }
    return redirect(p, at(p, PATH), tr(p)("decide.done", { id }));
  },
});

export const reviewPages = [queue, ask, decide];
