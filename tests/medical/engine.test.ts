import {
  type Accumulator,
  computeSettlement,
  emptyAccumulator,
  type Level,
  type LineItem,
  samplePolicy,
} from "@zhengyun/medical-insurance";
import { describe, expect, it } from "vitest";

const A = (unitPrice: number, quantity = 1): LineItem => ({
  code: "A",
  class: "A",
  quantity,
  unitPrice,
});
const B = (unitPrice: number, quantity = 1): LineItem => ({
  code: "B",
  class: "B",
  quantity,
  unitPrice,
});
const C = (unitPrice: number, quantity = 1): LineItem => ({
  code: "C",
  class: "C",
  quantity,
  unitPrice,
});

interface Case {
  name: string;
  scheme: "310" | "390";
  employment: "in_service" | "retired";
  level: Level;
  visit: "outpatient" | "inpatient";
  items: LineItem[];
  acc?: Partial<Accumulator>;
  account?: number;
  expect: Record<string, number>;
}

/**
 * Hand-worked against samplePolicy: employees' level-3 inpatient deductible ¥1,300 (halved from the
 * second admission), ratios 85% (in service) / 95.5% (retired, level 3), 96.1% (retired, level 2);
 * outpatient yearly deductible ¥1,800; ceiling ¥500,000; 乙 first self-pay 10%.
 */
export const cases: Case[] = [
  {
    name: "deductible crossed inside one claim",
    scheme: "310",
    employment: "in_service",
    level: "3",
    visit: "inpatient",
    items: [A(500000)],
    expect: {
      medfee_sumamt: 500000,
      inscp_scp_amt: 500000,
      act_pay_dedc: 130000,
      hifp_pay: 314500,
      psn_part_amt: 185500,
      psn_cash_pay: 185500,
    },
  },
  {
    name: "ceiling crossed inside one claim (second admission)",
    scheme: "310",
    employment: "in_service",
    level: "3",
    visit: "inpatient",
    items: [A(1000000)],
    acc: { fundPaid: 49900000, admissions: 1 },
    // 935,000 above the halved deductible × 85% = 794,750, capped at the 100,000 left.
    expect: {
      act_pay_dedc: 65000,
      hifp_pay: 100000,
      fund_pay_sumamt: 100000,
      psn_part_amt: 900000,
    },
  },
  {
    name: "a mix of 甲, 乙 and 丙 (outpatient, deductible already used)",
    scheme: "310",
    employment: "in_service",
    level: "community",
    visit: "outpatient",
    items: [A(1000, 2), B(10000), C(5000), B(333, 3)],
    acc: { outpatientDedcUsed: 180000 },
    // 乙 999 → first self-pay 99.9 rounds to 100 on its own line.
    expect: {
      medfee_sumamt: 17999,
      fulamt_ownpay_amt: 5000,
      preselfpay_amt: 1100,
      inscp_scp_amt: 11899,
      act_pay_dedc: 0,
      hifp_pay: 10709,
      psn_part_amt: 7290,
    },
  },
  {
    name: "a retiree (level 2 inpatient)",
    scheme: "310",
    employment: "retired",
    level: "2",
    visit: "inpatient",
    items: [A(1000000)],
    expect: { act_pay_dedc: 130000, hifp_pay: 836070, psn_part_amt: 163930 },
  },
  {
    name: "a second admission halves the deductible (level 1)",
    scheme: "310",
    employment: "in_service",
    level: "1",
    visit: "inpatient",
    items: [A(300000)],
    acc: { admissions: 1 },
    expect: { act_pay_dedc: 50000, hifp_pay: 225000, psn_part_amt: 75000, admission_no: 2 },
  },
  {
    name: "a resident (outpatient, yearly deductible ¥100, 55%)",
    scheme: "390",
    employment: "in_service",
    level: "community",
    visit: "outpatient",
    items: [A(30000)],
    expect: { act_pay_dedc: 10000, hifp_pay: 11000, psn_part_amt: 19000 },
  },
  {
    name: "an employee paying from the personal account, below the deductible",
    scheme: "310",
    employment: "in_service",
    level: "1",
    visit: "outpatient",
    items: [A(20000)],
    account: 5000,
    expect: { act_pay_dedc: 20000, hifp_pay: 0, acct_pay: 5000, psn_cash_pay: 15000 },
  },
  {
    name: "the outpatient deductible is what remains of the year's",
    scheme: "310",
    employment: "in_service",
    level: "1",
    visit: "outpatient",
    items: [A(100000)],
    acc: { outpatientDedcUsed: 150000 },
    expect: { act_pay_dedc: 30000, hifp_pay: 49000, psn_part_amt: 51000 },
  },
];

describe("settlement engine: hand-worked cases", () => {
  it.each(cases)("$name", (c) => {
    const r = computeSettlement(c.items, {
      policy: samplePolicy(c.scheme),
      level: c.level,
      visitType: c.visit,
      employment: c.employment,
      acc: { ...emptyAccumulator(), ...c.acc },
      accountAvailable: c.account ?? 0,
    });
    expect(r).toMatchObject(c.expect);
    expect(r.fulamt_ownpay_amt + r.preselfpay_amt + r.inscp_scp_amt).toBe(r.medfee_sumamt);
    expect(r.fund_pay_sumamt + r.psn_part_amt).toBe(r.medfee_sumamt);
    expect(r.acct_pay + r.psn_cash_pay).toBe(r.psn_part_amt);
  });
});
