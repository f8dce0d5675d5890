/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { formatMoney, formatNumber } from "../i18n/index.ts";
import type { PageCtx } from "../page.ts";

interface Line {
  description: string;
  quantity: string | number;
  amountFen: number | bigint;
  taxFen: number | bigint;
}

/** An invoice's lines as finance and the tenant admin both see them. */
export function InvoiceLines({ t, lines }: { t: PageCtx["t"]; lines: readonly Line[] }) {
  return (
    <table>
      <caption class="muted">{t("billing.lines")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("billing.description")}</th>
          <th scope="col" class="num">
            {t("billing.quantity")}
          </th>
          <th scope="col" class="num">
            {t("billing.amount")}
          </th>
          <th scope="col" class="num">
            {t("billing.tax")}
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr>
            <td>{l.description}</td>
            <td class="num">{formatNumber(Number(l.quantity))}</td>
            <td class="num">{formatMoney(l.amountFen)}</td>
            <td class="num">{formatMoney(l.taxFen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
