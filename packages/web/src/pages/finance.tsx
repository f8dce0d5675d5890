/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { getInvoice, listInvoices } from "@zhengyun/billing";
import { adjustLine, approveInvoice, issueInvoice } from "@zhengyun/billing/issue";
import { usageSeries } from "@zhengyun/metering";
import { findTenantBySlug } from "@zhengyun/tenancy";
import { BarChart } from "../components/chart.tsx";
import { verbErrors } from "../components/forms.ts";
import { InvoiceLines } from "../components/invoice-lines.tsx";
import { Empty, ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { formatMoney } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { actorOf, defaultPeriod, nowOf, previousPeriod } from "./billing-shared.ts";

async function invoicePage(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const id = p.c.req.param("id") ?? "";
  const inv = await getInvoice(p.c.var.deps.db, id);
  // The previous period beside this one, day by day, from the same rollups (all meters at once).
  const prev = previousPeriod(inv.period);
  const [y = 0, m = 1] = prev.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  const tenantId = (await tenantIdOf(p, inv.tenant)) ?? "";
  const before = await Promise.all(
    inv.usageByDay.map((u) =>
      usageSeries(p.c.var.deps.db, {
        tenantId,
        meter: u.meter,
        from: `${prev}-01`,
        to: last,
        granularity: "day",
      }).catch(() => undefined),
    ),
  );
  const charts = inv.usageByDay.map((u, k) => (
    <div class="card">
      <BarChart
        title={t("billing.chart", { meter: u.meter })}
        unit={u.unit}
        points={u.points.map((pt, i) => ({
          label: pt.start.slice(5),
          value: pt.quantity,
          previous: before[k]?.points[i]?.quantity ?? 0,
        }))}
      />
    </div>
  ));
  const base = `/console/billing/invoices/${inv.id}`;
  return renderPage(
    p,
    <>
      <dl class="card">
        <dt>{t("tenants.name")}</dt>
        <dd>{inv.tenantName}</dd>
        <dt>{t("billing.period")}</dt>
        <dd>{inv.period}</dd>
        <dt>{t("tenants.status")}</dt>
        <dd>{t(`invoice.${inv.status}`)}</dd>
        <dt>{t("billing.total")}</dt>
        <dd>
          {formatMoney(inv.totalFen)} ({t("billing.subtotal")} {formatMoney(inv.subtotalFen)},{" "}
          {t("billing.tax")} {formatMoney(inv.taxFen)})
        </dd>
        {inv.flags.length > 0 && (
          <>
            <dt>{t("billing.flags")}</dt>
            <dd>
              <ul>
                {inv.flags.map((f) => (
                  <li>
                    <code>{f.code}</code> {f.detail}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <InvoiceLines t={t} lines={inv.lines} />
      {charts}
      {inv.status === "draft" && (
        <form method="post" action={href(p, `${base}/approve`)} class="card">
          <button type="submit">{t("billing.approve")}</button>
        </form>
      )}
      {inv.status === "approved" && (
        <form method="post" action={href(p, `${base}/issue`)} class="card">
          <button type="submit">{t("billing.issue")}</button>
        </form>
      )}
      {inv.status === "issued" && (
        <p class="actions">
          <a class="button" href={href(p, `/console/billing/documents/${inv.id}/pdf`)}>
            {t("billing.pdf")}
          </a>{" "}
          <a class="button secondary" href={href(p, `${base}/credit`)}>
            {t("finance.credit")}
          </a>{" "}
          <a class="button secondary" href={href(p, `${base}/payment`)}>
            {t("finance.recordPayment")}
          </a>
        </p>
      )}
      {(inv.status === "draft" || inv.status === "approved") && (
        <>
          <h2>{t("billing.adjust")}</h2>
          <ErrorSummary p={p} errors={errors} />
          <Form action={href(p, `${base}/adjust`)}>
            <Field
              name="lineId"
              label={t("billing.line")}
              value={p.form.lineId}
              error={errors.lineId}
              options={inv.lines.map((l) => ({
                value: l.id,
                label: `${l.description} (${formatMoney(l.amountFen)})`,
              }))}
            />
            <Field
              name="amountFen"
              label={t("billing.newAmount")}
              type="number"
              value={p.form.amountFen}
              error={errors.amountFen}
              required
            />
            <Field
              name="reason"
              label={t("billing.reason")}
              value={p.form.reason}
              error={errors.reason}
              required
            />
            <button type="submit">{t("billing.adjust")}</button>
          </Form>
        </>
      )}
    </>,
    {
      title: `${t("billing.invoice")} ${inv.number ?? inv.id}`,
      ...(Object.keys(errors).length ? { status: 400 } : {}),
    },
  );
}

async function tenantIdOf(p: PageCtx, slug: string) {
  return (await findTenantBySlug(p.c.var.deps.db, slug))?.id;
}

const INVOICE = "/console/billing/invoices/{id}";

export const financePages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/billing",
    permission: "platform.billing:read",
    nav: (t) => t("nav.billing"),
    async handler(p) {
      const { t } = p;
      const asked = p.c.req.query("period") ?? "";
      const period = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) ? asked : defaultPeriod(p);
      const list = await listInvoices(p.c.var.deps.db, period);
      return renderPage(
        p,
        <>
          <search>
            <form method="get" action="/console/billing" class="filters">
              <Field name="period" label={t("billing.period")} type="month" value={period} />
              <button type="submit">{t("table.search")}</button>
            </form>
          </search>
          <p class="actions">
            <a class="button" href={href(p, "/console/billing/run")}>
              {t("finance.run")}
            </a>{" "}
            <a href={href(p, `/console/billing/exports/invoice-lines?period=${period}`)} download>
              {t("finance.linesCsv")}
            </a>{" "}
            <a
              href={href(p, `/console/billing/exports/revenue?from=${period}&to=${period}`)}
              download
            >
              {t("finance.revenueCsv")}
            </a>
          </p>
          {list.length === 0 ? (
            <Empty text={t("billing.none")} />
          ) : (
            <table>
              <caption class="muted">{`${t("billing.title")} ${period}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("tenants.name")}</th>
                  <th scope="col">{t("tenants.status")}</th>
                  <th scope="col" class="num">
                    {t("billing.total")}
                  </th>
                  <th scope="col">{t("billing.flags")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((inv) => (
                  <tr>
                    <td>
                      <a href={href(p, `/console/billing/invoices/${inv.id}`)}>{inv.tenantName}</a>
                    </td>
                    <td>{t(`invoice.${inv.status}`)}</td>
                    <td class="num">{formatMoney(inv.totalFen)}</td>
                    <td>
                      {inv.flags.map((f) => (
                        <span class="badge suspended" title={f.detail}>
                          {f.code}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>,
        { title: t("billing.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: INVOICE,
    permission: "platform.billing:read",
    handler: (p) => invoicePage(p),
  }),
  definePage({
    method: "post",
    path: `${INVOICE}/approve`,
    permission: "platform.billing:manage",
    async handler(p) {
      const id = p.c.req.param("id") ?? "";
      await approveInvoice(p.c.var.deps.db, id, actorOf(p), nowOf(p));
      return redirect(p, `/console/billing/invoices/${id}`, p.t("billing.approved"));
    },
  }),
  definePage({
    method: "post",
    path: `${INVOICE}/issue`,
    permission: "platform.billing:manage",
    async handler(p) {
      const id = p.c.req.param("id") ?? "";
      await issueInvoice(p.c.var.deps.db, id, actorOf(p), nowOf(p));
      return redirect(p, `/console/billing/invoices/${id}`, p.t("billing.issued"));
    },
  }),
  definePage({
    method: "post",
    path: `${INVOICE}/adjust`,
    permission: "platform.billing:manage",
    async handler(p) {
      const id = p.c.req.param("id") ?? "";
      try {
        await adjustLine(
          p.c.var.deps.db,
          id,
          {
            lineId: p.form.lineId ?? "",
            amountFen: Number.parseInt(p.form.amountFen ?? "", 10),
            reason: p.form.reason ?? "",
          },
          actorOf(p),
        );
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return invoicePage(p, errors);
        throw err;
      }
      return redirect(p, `/console/billing/invoices/${id}`, p.t("billing.adjusted"));
    },
  }),
];
