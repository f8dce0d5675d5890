import { query } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type MiCtx, parseInput } from "./context.ts";

export interface ClearingLine {
  institutionCode: string;
  institutionName: string;
  settlements: number;
  reversed: number;
  medfeeSumamt: number;
  fundPaySumamt: number;
  acctPay: number;
  psnCashPay: number;
  /** Fund payments of settlements a reviewer rejected: withheld from what the fund owes. */
  rejectedFundPay: number;
  /** What the fund owes the institution for the month. */
  payable: number;
}

const monthInput = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM");

/**
 * The monthly clearing statement (月度清算): per institution, the month's settled claims (reversed
 * ones excluded) and what the fund owes, net of rejected reviews. One grouped query.
 */
export async function clearingStatement(ctx: MiCtx, month: string): Promise<ClearingLine[]> {
  const m = parseInput(monthInput, month);
  const from = `${m}-01`;
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const rows = await query<Record<string, string | number>>(
      tx,
      sql`select s.institution_code, i.name,
            count(*) filter (where s.status = 'settled') as settlements,
            count(*) filter (where s.status = 'reversed') as reversed,
            coalesce(sum(s.medfee_sumamt) filter (where s.status = 'settled'), 0) as medfee,
            coalesce(sum(s.fund_pay_sumamt) filter (where s.status = 'settled'), 0) as fund,
            coalesce(sum(s.acct_pay) filter (where s.status = 'settled'), 0) as acct,
            coalesce(sum(s.psn_cash_pay) filter (where s.status = 'settled'), 0) as cash,
            coalesce(sum(s.fund_pay_sumamt)
              filter (where s.status = 'settled' and r.status = 'rejected'), 0) as rejected
          from mi_settlements s
          join mi_institutions i on i.code = s.institution_code
          left join mi_reviews r on r.settlement_id = s.id
          where s.visit_date >= ${from}::date and s.visit_date < (${from}::date + interval '1 month')
          group by s.institution_code, i.name
          order by s.institution_code`,
    );
    return rows.map((r) => {
      const fund = Number(r.fund);
      const rejected = Number(r.rejected);
      return {
        institutionCode: String(r.institution_code),
        institutionName: String(r.name),
        settlements: Number(r.settlements),
        reversed: Number(r.reversed),
        medfeeSumamt: Number(r.medfee),
        fundPaySumamt: fund,
        acctPay: Number(r.acct),
        psnCashPay: Number(r.cash),
        rejectedFundPay: rejected,
        payable: fund - rejected,
      };
    });
  });
}
