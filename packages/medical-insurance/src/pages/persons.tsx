/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, type PageCtx, renderPage } from "@zhengyun/web";
import { getPersonRecord, searchPersons } from "../persons.ts";
import type { MiSettlement } from "../schema.ts";
import { CONSOLE, Facts, link, miCtx, money, navLabel, Table, tr, when } from "./common.tsx";

/** Search by name, exact national ID or person id; the verb masks IDs and audits the search. */
const search = definePage({
  method: "get",
  path: CONSOLE,
  permission: "mi:read",
  nav: navLabel("nav.persons"),
  handler: async (p) => {
    const t = tr(p);
    const q = (p.c.req.query("q") ?? "").trim().slice(0, 64);
    const found = q ? await searchPersons(miCtx(p), q) : undefined;
    const body = (
      <>
        <search>
          <form method="get" action={p.path} class="filters">
            <div class="field">
              <label for="f-q">{t("persons.q")}</label>
              <input id="f-q" name="q" type="search" value={q} aria-describedby="f-q-hint" />
              <span class="hint" id="f-q-hint">
                {t("persons.hint")}
              </span>
            </div>
            {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
            <button type="submit">{t("persons.search")}</button>
          </form>
        </search>
        {found && (
          <Table
            caption={t("persons.caption")}
            empty={t("persons.none")}
            head={[
              { label: t("person.nationalId") },
              { label: t("person.name") },
              { label: t("person.sex") },
              { label: t("person.scheme") },
              { label: t("person.employment") },
              { label: t("person.status") },
            ]}
            rows={found.map((r) => [
              <code>{r.nationalId}</code>,
              <a href={link(p, `${CONSOLE}/persons/${r.id}`)}>{r.name}</a>,
              t(`sex.${r.sex}`),
              t(`scheme.${r.scheme}`),
              t(`employment.${r.employment}`),
              t(`status.${r.status}`),
            ])}
          />
        )}
      </>
    );
    return renderPage(p, body, { title: t("persons.title") });
  },
});

function Settlements({ p, rows }: { p: PageCtx; rows: MiSettlement[] }) {
  const t = tr(p);
  return (
    <Table
      caption={t("person.settlements")}
      empty={t("person.noRows")}
      head={[
        { label: t("setl.id") },
        { label: t("setl.date") },
        { label: t("setl.institution") },
        { label: t("setl.visit") },
        { label: t("amt.medfee_sumamt"), num: true },
        { label: t("amt.act_pay_dedc"), num: true },
        { label: t("amt.hifp_pay"), num: true },
        { label: t("amt.acct_pay"), num: true },
        { label: t("amt.psn_cash_pay"), num: true },
        { label: t("setl.status") },
        { label: t("setl.settledAt") },
      ]}
      rows={rows.map((s) => [
        <a href={link(p, `${CONSOLE}/settlements/${s.id}`)}>
          <code>{s.id}</code>
        </a>,
        s.visitDate,
        s.institutionCode,
        t(`visit.${s.visitType}`),
        money(s.medfeeSumamt),
        money(s.actPayDedc),
        money(s.hifpPay),
        money(s.acctPay),
        money(s.psnCashPay),
        s.status === "settled" ? (
          <>
            {t("setlStatus.settled")} ·{" "}
            <a
              href={link(p, `${CONSOLE}/persons/${s.personId}/settlements/${s.id}/reverse`)}
              aria-label={`${t("setl.reverse")} ${s.id}`}
            >
              {t("setl.reverse")}
            </a>
          </>
        ) : (
          t("setlStatus.reversed")
        ),
        when(p, s.settledAt),
      ])}
    />
  );
}

/** One person's record: the verb audits the access (`mi.person.read`). */
const record = definePage({
  method: "get",
  path: `${CONSOLE}/persons/{id}`,
  permission: "mi:read",
  handler: async (p) => {
    const t = tr(p);
    const r = await getPersonRecord(miCtx(p), p.c.req.param("id") ?? "");
    const { person } = r;
    const body = (
      <>
        <p>
          <a class="button" href={link(p, `${CONSOLE}/settle`, { person: person.id })}>
            {t("person.settleClaim")}
          </a>
        </p>
        <Facts
          rows={[
            [t("person.nationalId"), <code>{person.nationalId}</code>],
            [t("person.sex"), t(`sex.${person.sex}`)],
            [t("person.birthDate"), person.birthDate],
            [t("person.scheme"), t(`scheme.${person.scheme}`)],
            [t("person.employment"), t(`employment.${person.employment}`)],
            [t("person.status"), t(`status.${person.status}`)],
            [t("person.balance"), money(person.accountBalance)],
            [t("person.coveredThrough"), person.coveredThrough ?? "—"],
          ]}
        />
        <h2>{t("person.accumulators")}</h2>
        <Table
          caption={t("person.accumulators")}
          empty={t("person.noRows")}
          head={[
            { label: t("person.year") },
            { label: t("person.outDedc"), num: true },
            { label: t("person.inDedc"), num: true },
            { label: t("person.fundPaid"), num: true },
            { label: t("person.admissions"), num: true },
          ]}
          rows={r.accumulators.map((a) => [
            String(a.year),
            money(a.outpatientDedcUsed),
            money(a.inpatientDedcUsed),
            money(a.fundPaid),
            String(a.admissions),
          ])}
        />
        <h2>{t("person.settlements")}</h2>
        <Settlements p={p} rows={r.settlements} />
        <h2>{t("person.contributions")}</h2>
        <Table
          caption={t("person.contributions")}
          empty={t("person.noRows")}
          head={[
            { label: t("person.period") },
            { label: t("person.base"), num: true },
            { label: t("person.employer"), num: true },
            { label: t("person.employee"), num: true },
            { label: t("person.account"), num: true },
            { label: t("person.individual"), num: true },
            { label: t("person.subsidy"), num: true },
          ]}
          rows={r.contributions.map((c) => [
            c.period,
            money(c.base),
            money(c.employerAmount),
            money(c.employeeAmount),
            money(c.accountCredit),
            money(c.individualAmount),
            money(c.subsidyAmount),
          ])}
        />
        <h2>{t("person.history")}</h2>
        <Table
          caption={t("person.history")}
          empty={t("person.noRows")}
          head={[
            { label: t("person.at") },
            { label: t("person.status") },
            { label: t("person.reason") },
          ]}
          rows={r.history.map((h) => [
            when(p, h.at),
            t(`status.${h.status as "active"}`),
            h.reason,
          ])}
        />
      </>
    );
    return renderPage(p, body, { title: t("person.title", { name: person.name }) });
  },
});

export const personPages = [search, record];
