/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  formatMoney,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
  validate,
} from "@zhengyun/web";
import { answerConsultation, answerInput, consultationQueue } from "../consultations.ts";
import { confirmInput, confirmPayment, paymentQueue } from "../fees.ts";
import { at, CONSOLE, issueErrors, link, Table, tr, when } from "./common.tsx";
import { navLabel } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const QUEUE = `${CONSOLE}/consultations`;
const PAYMENTS = `${CONSOLE}/payments`;

/** Errors of one row's form: `errors` belongs to the row whose key is `of`. */
type RowErrors = { of: string; errors: FieldErrors };

async function queuePage(
  p: PageCtx,
  failed?: RowErrors,
  status: 200 | 400 | 409 = 200,
  flash?: string,
) {
  const t = tr(p);
  const rows = await consultationQueue(ctxOf(p));
  const body =
    rows.length === 0 ? (
      <p class="empty">{t("consult.none")}</p>
    ) : (
      rows.map((c) => {
        const errors = failed?.of === String(c.id) ? failed.errors : {};
        const mine = failed?.of === String(c.id);
        return (
          <section class="card" aria-labelledby={`c-${c.id}`}>
            <h2 id={`c-${c.id}`}>
              {t(`consult.kind.${c.kind}`)} · {c.subject} <small>{c.tracking}</small>
            </h2>
            <p>{c.question}</p>
            <p class="muted">
              {t("consult.from")}: {c.name} · {c.department} · {t("consult.due")}:{" "}
              {when(p, c.dueAt)}
              {c.escalations > 0 && (
                <strong> · {t("consult.escalated", { n: c.escalations })}</strong>
              )}
            </p>
            <ErrorSummary p={p} errors={prefix(c.id, errors)} />
            <form method="post" action={link(p, `${QUEUE}/${c.id}`)}>
              <Field
                name={`answer_${c.id}`}
                label={t("consult.answer")}
                value={mine ? p.form[`answer_${c.id}`] : undefined}
                error={errors.answer}
                multiline
                required
              />
              {c.kind === "consultation" && (
                <Field
                  name={`publish_${c.id}`}
                  label={t("consult.publish")}
                  value={mine ? p.form[`publish_${c.id}`] : "no"}
                  error={errors.publish}
                  options={[
                    { value: "no", label: t("consult.publishNo") },
                    { value: "yes", label: t("consult.publishYes") },
                  ]}
                />
              )}
              <button type="submit">{t("consult.send")}</button>
            </form>
          </section>
        );
      })
    );
  return renderPage(p, body, {
    title: t("consult.title"),
    status,
    ...(flash ? { flash: { text: flash, error: true } } : {}),
  });
}

const prefix = (id: number | string, errors: FieldErrors): FieldErrors =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${k}_${id}`, v]));

async function paymentsPage(
  p: PageCtx,
  failed?: RowErrors,
  status: 200 | 400 | 409 = 200,
  flash?: string,
) {
  const t = tr(p);
  const rows = await paymentQueue(ctxOf(p));
  const body = (
    <Table
      caption={t("pay.caption")}
      empty={t("pay.none")}
      head={[t("pay.reference"), t("track.tracking"), t("pay.amount"), t("pay.state")]}
      rows={rows.map((r) => {
        const errors = failed?.of === r.reference ? failed.errors : {};
        const mine = failed?.of === r.reference;
        return [
          <code>{r.reference}</code>,
          <>
            <a href={link(p, `${CONSOLE}/applications/${r.applicationId}`)}>{r.tracking}</a>{" "}
            {r.applicantName}
          </>,
          formatMoney(r.amountFen),
          r.state === "paid" ? (
            <span data-state="paid">
              {t("pay.paid")} · {t(r.method === "bank" ? "pay.bank" : "pay.counter")}
              {r.bankReference ? ` ${r.bankReference}` : ""} · {when(p, r.paidAt)}
            </span>
          ) : (
            <form
              method="post"
              action={link(p, `${PAYMENTS}/${r.reference}`)}
              aria-label={`${t("pay.confirm")} ${r.reference}`}
            >
              <ErrorSummary p={p} errors={prefix(r.reference, errors)} />
              <Field
                name={`method_${r.reference}`}
                label={t("pay.method")}
                value={mine ? p.form[`method_${r.reference}`] : "counter"}
                error={errors.method}
                options={[
                  { value: "counter", label: t("pay.counter") },
                  { value: "bank", label: t("pay.bank") },
                ]}
              />
              <Field
                name={`bankReference_${r.reference}`}
                label={t("pay.bankReference")}
                value={mine ? p.form[`bankReference_${r.reference}`] : undefined}
                error={errors.bankReference}
              />
              <button type="submit">{t("pay.confirm")}</button>
            </form>
          ),
        ];
      })}
    />
  );
  return renderPage(p, body, {
    title: t("pay.title"),
    status,
    ...(flash ? { flash: { text: flash, error: true } } : {}),
  });
}

const conflict = (e: unknown) => isDomainError(e) && e.code === "conflict";

/** Case officers answer consultations and complaints, and confirm fees paid at the counter or bank. */
export const servicePages: PageDef[] = [
  definePage({
    method: "get",
    path: QUEUE,
    permission: "cases:read",
    nav: (tt) => navLabel(tt, "consult.title"),
    handler: (p) => queuePage(p),
  }),
  definePage({
    method: "post",
    path: `${QUEUE}/{id}`,
    permission: "cases:write",
    async handler(p) {
      const t = tr(p);
      const id = p.c.req.param("id") ?? "";
      const input = {
        answer: p.form[`answer_${id}`] ?? "",
        publish: p.form[`publish_${id}`] === "yes",
      };
      const v = validate(p.t, answerInput, input);
      if (!v.ok) return queuePage(p, { of: id, errors: v.errors }, 400);
      try {
        const row = await answerConsultation({ ctx: ctxOf(p), id: Number(id) || 0, input: v.data });
        return redirect(p, at(p, QUEUE), t("consult.answered", { tracking: row?.tracking ?? "" }));
      } catch (e) {
        if (conflict(e)) return queuePage(p, undefined, 409, t("case.stateChanged"));
        const errors = issueErrors(p, e);
        if (!errors) throw e;
        return queuePage(p, { of: id, errors }, 400);
      }
    },
  }),
  definePage({
    method: "get",
    path: PAYMENTS,
    permission: "cases:read",
    nav: (tt) => navLabel(tt, "pay.title"),
    handler: (p) => paymentsPage(p),
  }),
  definePage({
    method: "post",
    path: `${PAYMENTS}/{reference}`,
    permission: "cases:write",
    async handler(p) {
      const t = tr(p);
      const reference = p.c.req.param("reference") ?? "";
      const bank = (p.form[`bankReference_${reference}`] ?? "").trim();
      const input = {
        method: p.form[`method_${reference}`] ?? "",
        ...(bank ? { bankReference: bank } : {}),
      };
      const v = validate(p.t, confirmInput, input);
      if (!v.ok) return paymentsPage(p, { of: reference, errors: v.errors }, 400);
      try {
        await confirmPayment({ ctx: ctxOf(p), reference, input: v.data });
      } catch (e) {
        if (conflict(e)) return paymentsPage(p, undefined, 409, t("case.stateChanged"));
        throw e;
      }
      return redirect(p, at(p, PAYMENTS), t("pay.confirmed", { reference }));
    },
  }),
];
