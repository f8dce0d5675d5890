/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { getInvoice, runBilling } from "@zhengyun/billing";
import { csvRow, documentPdf, invoiceLinesCsv, revenueSummary } from "@zhengyun/billing/exports";
import { issueCreditNote } from "@zhengyun/billing/issue";
import { recordBankTransfer } from "@zhengyun/billing/payments";
import { verbErrors } from "../components/forms.ts";
import { Empty, ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { formatMoney } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { outstandingByTenant } from "../services.ts";
import { actorOf, defaultPeriod, nowOf } from "./billing-shared.ts";

const READ = "platform.billing:read";
const MANAGE = "platform.billing:manage";
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const idOf = (p: PageCtx) => p.c.req.param("id") ?? "";
const invoiceUrl = (id: string) => `/console/billing/invoices/${id}`;

function runForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, "/console/billing/run")} progress={t("finance.running")}>
        <Field
          name="period"
          label={t("billing.period")}
          type="month"
          value={p.form.period ?? defaultPeriod(p)}
          error={errors.period}
          required
          hint={t("finance.runHint")}
        />
        <button type="submit">{t("finance.run")}</button>
      </Form>
    </>,
    { title: t("finance.run"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

async function creditForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const inv = await getInvoice(p.c.var.deps.db, idOf(p));
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, `${invoiceUrl(inv.id)}/credit`)}>
        <p>{t("finance.creditHelp")}</p>
        <Field
          name="reason"
          label={t("billing.reason")}
          value={p.form.reason}
          error={errors.reason}
          required
        />
        <fieldset>
          <legend>{t("finance.creditLines")}</legend>
          {inv.lines.map((l) => (
            <Field
              name={`line_${l.id}`}
              label={`${l.description} (${formatMoney(l.amountFen)})`}
              type="number"
              value={p.form[`line_${l.id}`]}
              error={errors.lines}
            />
          ))}
        </fieldset>
        <button type="submit">{t("finance.credit")}</button>
      </Form>
    </>,
    {
      title: `${t("finance.credit")} · ${inv.number ?? inv.id}`,
      ...(Object.keys(errors).length ? { status: 400 } : {}),
    },
  );
}

async function paymentForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const inv = await getInvoice(p.c.var.deps.db, idOf(p));
  const today = new Date(nowOf(p).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, `${invoiceUrl(inv.id)}/payment`)}>
        <Field
          name="reference"
          label={t("finance.reference")}
          value={p.form.reference}
          error={errors.reference}
          required
        />
        <Field
          name="amountFen"
          label={t("finance.amountFen")}
          type="number"
          value={p.form.amountFen}
          error={errors.amountFen}
          required
        />
        <Field
          name="receivedOn"
          label={t("finance.receivedOn")}
          type="date"
          value={p.form.receivedOn ?? today}
          error={errors.receivedOn}
          required
        />
        <button type="submit">{t("finance.recordPayment")}</button>
      </Form>
    </>,
    {
      title: `${t("finance.recordPayment")} · ${inv.number ?? inv.id}`,
      ...(Object.keys(errors).length ? { status: 400 } : {}),
    },
  );
}

/** Runs a form verb; its validation errors go back to the form inline, nothing written. */
async function orForm(
  p: PageCtx,
  act: () => Promise<Response>,
  form: (p: PageCtx, e: FieldErrors) => Response | Promise<Response>,
) {
  try {
    return await act();
  } catch (err) {
    const errors = verbErrors(p.t, err);
    if (errors) return form(p, errors);
    throw err;
  }
}

const attachment = (p: PageCtx, body: string | Uint8Array, type: string, name: string) =>
  p.c.body(typeof body === "string" ? body : new Uint8Array(body), 200, {
    "content-type": type,
    "content-disposition": `attachment; filename="${name}"`,
    "cache-control": "no-store",
  });

const fen = (s: string | undefined) => (s?.trim() ? Number(s) : Number.NaN);

export const financeOpsPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/billing/run",
    permission: MANAGE,
    nav: (t) => t("finance.run"),
    handler: (p) => runForm(p),
  }),
  definePage({
    method: "post",
    path: "/console/billing/run",
    permission: MANAGE,
    handler: (p) =>
      orForm(
        p,
        async () => {
          const period = p.form.period ?? "";
          const clock = p.c.var.deps.clock;
          const r = await runBilling(p.c.var.deps.db, {
            period,
            ...(clock ? { clock } : {}),
            actor: actorOf(p),
          });
          const text = p.t("finance.ran", { drafts: r.drafts.length, skipped: r.skipped.length });
          return redirect(p, `/console/billing?period=${period}`, text);
        },
        runForm,
      ),
  }),
  definePage({
    method: "get",
    path: "/console/billing/invoices/{id}/credit",
    permission: MANAGE,
    handler: (p) => creditForm(p),
  }),
  definePage({
    method: "post",
    path: "/console/billing/invoices/{id}/credit",
    permission: MANAGE,
    handler: (p) =>
      orForm(
        p,
        async () => {
          const lines = Object.entries(p.form)
            .filter(([k, v]) => k.startsWith("line_") && v.trim() !== "")
            .map(([k, v]) => ({ lineId: k.slice(5), amountFen: fen(v) }));
          const doc = await issueCreditNote(
            p.c.var.deps.db,
            idOf(p),
            { reason: p.form.reason ?? "", ...(lines.length ? { lines } : {}) },
            actorOf(p),
            nowOf(p),
          );
          return redirect(p, invoiceUrl(idOf(p)), p.t("finance.credited", { number: doc.number }));
        },
        creditForm,
      ),
  }),
  definePage({
    method: "get",
    path: "/console/billing/invoices/{id}/payment",
    permission: MANAGE,
    handler: (p) => paymentForm(p),
  }),
  definePage({
    method: "post",
    path: "/console/billing/invoices/{id}/payment",
    permission: MANAGE,
    handler: (p) =>
      orForm(
        p,
        async () => {
          await recordBankTransfer(
            p.c.var.deps.db,
            idOf(p),
            {
              reference: p.form.reference ?? "",
              amountFen: fen(p.form.amountFen),
              receivedOn: p.form.receivedOn ?? "",
            },
            actorOf(p),
          );
          return redirect(p, invoiceUrl(idOf(p)), p.t("finance.paid"));
        },
        paymentForm,
      ),
  }),
  definePage({
    method: "get",
    path: "/console/billing/balances",
    permission: READ,
    nav: (t) => t("finance.balances"),
    async handler(p) {
      const { t } = p;
      const rows = await outstandingByTenant(p.c.var.deps.db);
      return renderPage(
        p,
        rows.length === 0 ? (
          <Empty text={t("finance.noneOutstanding")} />
        ) : (
          <table>
            <caption class="muted">{t("finance.balances")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("tenants.name")}</th>
                <th scope="col" class="num">
                  {t("finance.invoices")}
                </th>
                <th scope="col" class="num">
                  {t("finance.outstanding")}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.name}</td>
                  <td class="num">{r.invoices}</td>
                  <td class="num">{formatMoney(r.outstandingFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
        { title: t("finance.balances") },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/console/billing/documents/{id}/pdf",
    permission: READ,
    async handler(p) {
      const { number, pdf } = await documentPdf(p.c.var.deps.db, idOf(p));
      return attachment(p, pdf, "application/pdf", `${number}.pdf`);
    },
  }),
  definePage({
    method: "get",
    path: "/console/billing/exports/invoice-lines",
    permission: READ,
    async handler(p) {
      const period = p.c.req.query("period") ?? "";
      if (!MONTH.test(period)) return redirect(p, "/console/billing");
      // A BOM so spreadsheet programs read the Chinese descriptions as UTF-8.
      const csv = `\uFEFF${await invoiceLinesCsv(p.c.var.deps.db, period)}`;
      return attachment(p, csv, "text/csv; charset=utf-8", `invoice-lines-${period}.csv`);
    },
  }),
  definePage({
    method: "get",
    path: "/console/billing/exports/revenue",
    permission: READ,
    async handler(p) {
      const from = p.c.req.query("from") ?? "";
      const to = p.c.req.query("to") ?? from;
      if (!MONTH.test(from) || !MONTH.test(to)) return redirect(p, "/console/billing");
      const rows = await revenueSummary(p.c.var.deps.db, from, to);
      const head = [
        "month",
        "module",
        "fee_type",
        "invoiced_fen",
        "credited_fen",
        "net_fen",
        "tax_fen",
      ];
      const body = rows.map((r) =>
        csvRow([r.month, r.module, r.feeType, r.invoicedFen, r.creditedFen, r.netFen, r.taxFen]),
      );
      const csv = `\uFEFF${csvRow(head)}${body.join("")}`;
      return attachment(p, csv, "text/csv; charset=utf-8", `revenue-${from}-${to}.csv`);
    },
  }),
];
