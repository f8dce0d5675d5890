/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { getInvoice, type tenantQuotas } from "@zhengyun/billing";
import { documentPdf } from "@zhengyun/billing/exports";
import { NotFoundError } from "@zhengyun/core";
import type { Tenant } from "@zhengyun/tenancy";
import { InvoiceLines } from "../components/invoice-lines.tsx";
import { Empty } from "../components/ui.tsx";
import { formatMoney, formatNumber } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, renderPage } from "../render.tsx";
import { tenantInvoices } from "../services.ts";

const BASE = "/t/{tenant}/console/invoices";
const READ = "tenant.invoices:read";
const tenantOf = (p: PageCtx): Tenant => p.tenant as Tenant;

/** The tenant's own issued invoice; drafts and other tenants' invoices do not exist here. */
async function ownInvoice(p: PageCtx) {
  const inv = await getInvoice(p.c.var.deps.db, p.c.req.param("id") ?? "").catch(() => undefined);
  if (!inv || inv.tenant !== tenantOf(p).slug || inv.status !== "issued") {
    throw new NotFoundError("No such invoice");
  }
  return inv;
}

/** Tenant admin: the tenant's issued invoices, one invoice with its lines, and its PDF. */
export const tenantBillingPages: PageDef[] = [
  definePage({
    method: "get",
    path: BASE,
    permission: READ,
    nav: (t) => t("tinv.title"),
    async handler(p) {
      const { t } = p;
      const rows = await tenantInvoices(p.c.var.deps.db, tenantOf(p).id);
      const slug = tenantOf(p).slug;
      return renderPage(
        p,
        rows.length === 0 ? (
          <Empty text={t("tinv.none")} />
        ) : (
          <table>
            <caption class="muted">{t("tinv.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("tinv.number")}</th>
                <th scope="col">{t("billing.period")}</th>
                <th scope="col" class="num">
                  {t("billing.total")}
                </th>
                <th scope="col" class="num">
                  {t("tinv.creditedPaid")}
                </th>
                <th scope="col" class="num">
                  {t("finance.outstanding")}
                </th>
                <th scope="col">{t("tinv.due")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={href(p, `/t/${slug}/console/invoices/${r.invoiceId}`)}>{r.number}</a>
                  </td>
                  <td>{r.period}</td>
                  <td class="num">{formatMoney(r.totalFen)}</td>
                  <td class="num">{formatMoney(r.creditedFen + r.paidFen)}</td>
                  <td class="num">{formatMoney(r.balanceFen)}</td>
                  <td>{r.dueOn ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
        { title: t("tinv.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/{id}`,
    permission: READ,
    async handler(p) {
      const { t } = p;
      const inv = await ownInvoice(p);
      const pdf = `/t/${tenantOf(p).slug}/console/invoices/${inv.id}/pdf`;
      return renderPage(
        p,
        <>
          <dl class="card">
            <dt>{t("billing.period")}</dt>
            <dd>{inv.period}</dd>
            <dt>{t("billing.total")}</dt>
            <dd>
              {formatMoney(inv.totalFen)} ({t("billing.subtotal")} {formatMoney(inv.subtotalFen)},{" "}
              {t("billing.tax")} {formatMoney(inv.taxFen)})
            </dd>
          </dl>
          <InvoiceLines t={t} lines={inv.lines} />
          <p>
            <a class="button" href={href(p, pdf)}>
              {t("billing.pdf")}
            </a>
          </p>
        </>,
        { title: `${t("billing.invoice")} ${inv.number ?? ""}` },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/{id}/pdf`,
    permission: READ,
    async handler(p) {
      const inv = await ownInvoice(p);
      const { number, pdf } = await documentPdf(p.c.var.deps.db, inv.id);
      return p.c.body(new Uint8Array(pdf), 200, {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${number}.pdf"`,
        "cache-control": "no-store",
      });
    },
  }),
];

type Quota = Awaited<ReturnType<typeof tenantQuotas>>[number];

/** Included allowance vs month-to-date use per meter, marked at 80% and 100% (the alert levels). */
export function QuotaTable({ p, rows }: { p: PageCtx; rows: Quota[] }) {
  const { t } = p;
  if (rows.length === 0) return <Empty text={t("quota.none")} />;
  return (
    <table>
      <caption class="muted">{t("quota.title")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("quota.meter")}</th>
          <th scope="col" class="num">
            {t("quota.used")}
          </th>
          <th scope="col" class="num">
            {t("quota.included")}
          </th>
          <th scope="col">{t("quota.share")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const mark = r.pct >= 100 ? "over" : r.pct >= 80 ? "warn" : undefined;
          return (
            <tr>
              <td>
                <code>{r.meter}</code>
              </td>
              <td class="num">{formatNumber(Number(r.used))}</td>
              <td class="num">{formatNumber(Number(r.included))}</td>
              <td>
                <meter
                  min={0}
                  max={100}
                  low={80}
                  high={99.99}
                  optimum={0}
                  value={Math.min(r.pct, 100)}
                >
                  {Math.round(r.pct)}%
                </meter>{" "}
                {Math.round(r.pct)}%{" "}
                {mark && <span class={`badge ${mark}`}>{t(`quota.${mark}`)}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
