/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, type PageCtx, renderPage } from "@zhengyun/web";
import type { Child } from "hono/jsx";
import { getSettlement, type SettlementDetail } from "../settlement-detail.ts";
import { AMOUNTS, CONSOLE, Facts, link, miCtx, money, Table, tr, when } from "./common.tsx";

/** Basis points as a percentage (`7500` → `75%`, `8250` → `82.5%`). */
const pct = (bp: number) => `${bp / 100}%`;

function Breakdown({ p, d }: { p: PageCtx; d: SettlementDetail }) {
  const t = tr(p);
  const b = d.breakdown;
  if (!b) return <p class="empty">{t("detail.noBreakdown")}</p>;
  return (
    <Facts
      rows={[
        [t("amt.inscp_scp_amt"), money(d.settlement.inscp_scp_amt)],
        [
          t(b.deductibleKind === "admission" ? "detail.dedcDueAdmission" : "detail.dedcDueYearly"),
          money(b.deductibleDue),
        ],
        [t("amt.act_pay_dedc"), money(b.deductibleApplied)],
        [t("detail.eligible"), money(b.eligible)],
        [t("detail.ratio"), pct(b.ratioBp)],
        [t("detail.byRatio"), money(b.byRatio)],
        [t("detail.ceiling"), money(b.ceiling)],
        [t("detail.ceilingCut"), money(b.ceilingCut)],
        [t("amt.hifp_pay"), money(d.settlement.hifp_pay)],
      ]}
    />
  );
}

function Reversal({ p, d }: { p: PageCtx; d: SettlementDetail }) {
  const t = tr(p);
  const s = d.settlement;
  if (s.status !== "reversed") {
    return (
      <p>
        {t("detail.notReversed")}{" "}
        <a href={link(p, `${CONSOLE}/persons/${s.person_id}/settlements/${s.setl_id}/reverse`)}>
          {t("setl.reverse")}
        </a>
      </p>
    );
  }
  return (
    <Facts
      rows={[
        [t("detail.reversedAt"), when(p, s.reversedAt)],
        [t("detail.reversedBy"), s.reversedBy ?? t("detail.unknown")],
        [t("detail.reversalReason"), s.reversalReason ?? "—"],
      ]}
    />
  );
}

/** One settlement: lines, amounts, the fund's computation, who settled it, its reversal. */
const detail = definePage({
  method: "get",
  path: `${CONSOLE}/settlements/{id}`,
  permission: "mi:read",
  handler: async (p) => {
    const t = tr(p);
    const d = await getSettlement(miCtx(p), p.c.req.param("id") ?? "");
    const s = d.settlement;
    const review = d.review;
    const body = (
      <>
        <Facts
          rows={
            [
              [
                t("detail.person"),
                d.person ? (
                  <a href={link(p, `${CONSOLE}/persons/${d.person.id}`)}>
                    {d.person.name} <code>{d.person.nationalId}</code>
                  </a>
                ) : (
                  s.person_id
                ),
              ],
              [
                t("detail.institution"),
                d.institution
                  ? `${d.institution.name} (${d.institution.code}, ${t(`level.${d.institution.level}`)})`
                  : s.institution_code,
              ],
              [t("detail.visit"), t(`visit.${s.visit_type}`)],
              [t("detail.date"), s.date],
              ...(s.admission_no === null
                ? []
                : [[t("detail.admission"), String(s.admission_no)] as [string, Child]]),
              [
                t("detail.status"),
                t(`setlStatus.${s.status === "reversed" ? "reversed" : "settled"}`),
              ],
              [t("detail.settledAt"), when(p, s.settledAt)],
              [t("detail.settledBy"), s.settledBy ?? t("detail.unknown")],
              ...(s.batchId
                ? [[t("detail.batch"), <code>{s.batchId}</code>] as [string, Child]]
                : []),
              ...(s.externalRef
                ? [[t("detail.externalRef"), s.externalRef] as [string, Child]]
                : []),
              [
                t("detail.review"),
                review
                  ? `${t(`rule.${review.rule}`)} · ${t(`reviewStatus.${review.status}`)}${
                      review.reasonCode ? ` · ${t(`reason.${review.reasonCode as "R99"}`)}` : ""
                    }`
                  : t("detail.notSampled"),
              ],
            ] as [string, Child][]
          }
        />
        <h2>{t("detail.lines")}</h2>
        <Table
          caption={t("detail.lines")}
          empty={t("person.noRows")}
          head={[
            { label: t("detail.code") },
            { label: t("detail.class") },
            { label: t("detail.quantity"), num: true },
            { label: t("detail.unitPrice"), num: true },
            { label: t("detail.amount"), num: true },
            { label: t("amt.fulamt_ownpay_amt"), num: true },
            { label: t("amt.preselfpay_amt"), num: true },
            { label: t("amt.inscp_scp_amt"), num: true },
          ]}
          rows={d.lines.map((l) => [
            <code>{l.code}</code>,
            t(`class.${l.class}`),
            String(l.quantity),
            money(l.unitPrice),
            money(l.amount),
            money(l.fulamtOwnpay),
            money(l.preselfpay),
            money(l.inscp),
          ])}
        />
        <h2>{t("detail.amounts")}</h2>
        <Facts rows={AMOUNTS.map((k) => [t(`amt.${k}`), money(s[k])])} />
        <h2>{t("detail.breakdown")}</h2>
        <Breakdown p={p} d={d} />
        <h2>{t("detail.reversal")}</h2>
        <Reversal p={p} d={d} />
      </>
    );
    return renderPage(p, body, { title: t("detail.title", { id: s.setl_id ?? "" }) });
  },
});

export const settlementPages = [detail];
