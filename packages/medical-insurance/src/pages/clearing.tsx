/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, renderPage } from "@zhengyun/web";
import { clearingStatement } from "../clearing.ts";
import { CONSOLE, miCtx, money, navLabel, shanghaiDay, Table, tr } from "./common.tsx";

/** The monthly clearing statement: what the fund owes each institution (month in Shanghai time). */
const statement = definePage({
  method: "get",
  path: `${CONSOLE}/clearing`,
  permission: "mi:read",
  nav: navLabel("nav.clearing"),
  handler: async (p) => {
    const t = tr(p);
    const asked = p.c.req.query("month") ?? "";
    const month = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) ? asked : shanghaiDay(p).slice(0, 7);
    const lines = await clearingStatement(miCtx(p), month);
    const sum = (
      k:
        | "settlements"
        | "reversed"
        | "medfeeSumamt"
        | "fundPaySumamt"
        | "acctPay"
        | "psnCashPay"
        | "rejectedFundPay"
        | "payable",
    ) => lines.reduce((a, l) => a + l[k], 0);
    const body = (
      <>
        <search>
          <form method="get" action={p.path} class="filters">
            <div class="field">
              <label for="f-month">{t("clearing.month")}</label>
              <input id="f-month" name="month" type="month" value={month} />
            </div>
            {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
            <button type="submit">{t("clearing.show")}</button>
          </form>
        </search>
        <Table
          caption={t("clearing.caption", { month })}
          empty={t("clearing.none")}
          head={[
            { label: t("setl.institution") },
            { label: t("clearing.settlements"), num: true },
            { label: t("clearing.reversed"), num: true },
            { label: t("amt.medfee_sumamt"), num: true },
            { label: t("amt.fund_pay_sumamt"), num: true },
            { label: t("amt.acct_pay"), num: true },
            { label: t("amt.psn_cash_pay"), num: true },
            { label: t("clearing.rejected"), num: true },
            { label: t("clearing.payable"), num: true },
          ]}
          rows={[
            ...lines.map((l) => [
              `${l.institutionCode} ${l.institutionName}`,
              String(l.settlements),
              String(l.reversed),
              money(l.medfeeSumamt),
              money(l.fundPaySumamt),
              money(l.acctPay),
              money(l.psnCashPay),
              money(l.rejectedFundPay),
              <strong>{money(l.payable)}</strong>,
            ]),
            ...(lines.length > 1
              ? [
                  [
                    <strong>{t("clearing.total")}</strong>,
                    String(sum("settlements")),
                    String(sum("reversed")),
                    money(sum("medfeeSumamt")),
                    money(sum("fundPaySumamt")),
                    money(sum("acctPay")),
                    money(sum("psnCashPay")),
                    money(sum("rejectedFundPay")),
                    <strong>{money(sum("payable"))}</strong>,
                  ],
                ]
              : []),
          ]}
        />
      </>
    );
    return renderPage(p, body, { title: t("clearing.title") });
  },
});

export const clearingPages = [statement];
