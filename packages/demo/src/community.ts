import {
  advanceRequest,
  assignStaff,
  type CentreLevel,
  type CsCtx,
  createCentre,
  createSlot,
  csCentres,
  escalateOverdue,
  publishNotice,
  rateRequest,
  type ServiceInput,
  saveService,
  submitRequest,
} from "@zhengyun/community";
import { ManualClock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { findTenantBySlug, withTenant } from "@zhengyun/tenancy";

/** Until identity seeds demo staff, requests are handled by this placeholder at the top centre. */
export const DEMO_CS_AGENT = "usr_demo_cs_agent";
const HOUR = 3_600_000;

const SERVICES: ServiceInput[] = [
  {
    code: "ROAD",
    group: "市政设施",
    nameZh: "道路破损",
    nameEn: "Damaged road",
    keywords: "路面, 坑洼, pothole",
    level: "street",
    slaUnit: "days",
    slaAmount: 3,
    attributes: [
      {
        code: "SIZE",
        datatype: "singlevaluelist",
        required: true,
        order: 1,
        description: "破损大小 Size",
        values: [
          { key: "S", name: "小 Small" },
          { key: "L", name: "大 Large" },
        ],
      },
    ],
  },
  {
    code: "LIGHT",
    group: "市政设施",
    nameZh: "路灯故障",
    nameEn: "Street light out",
    level: "community",
    slaUnit: "hours",
    slaAmount: 48,
  },
  {
    code: "NOISE",
    group: "环境",
    nameZh: "噪声扰民",
    nameEn: "Noise",
    level: "community",
    slaUnit: "hours",
    slaAmount: 24,
    attributes: [
      {
        code: "SOURCES",
        datatype: "multivaluelist",
        required: false,
        order: 1,
        description: "噪声来源 Sources",
        values: [
          { key: "build", name: "施工 Construction" },
          { key: "shop", name: "商铺 Shops" },
          { key: "night", name: "夜间 Night" },
        ],
      },
      {
        code: "SINCE",
        datatype: "datetime",
        required: false,
        order: 2,
        description: "开始时间 Since",
      },
    ],
  },
  {
    code: "CERT",
    group: "便民服务",
    nameZh: "居住证明开具",
    nameEn: "Residence certificate",
    level: "community",
    slaUnit: "days",
    slaAmount: 2,
  },
  {
    code: "ELDER",
    group: "便民服务",
    nameZh: "助老服务预约",
    nameEn: "Elderly care visit",
    level: "community",
    slaUnit: "days",
    slaAmount: 5,
  },
];

const below: Record<CentreLevel, CentreLevel | undefined> = {
  city: "district",
  district: "street",
  street: "community",
  community: undefined,
};
const ORDINAL = ["一", "二", "三"];

/** A tree down to communities, 2 children per level, areas shrinking around a centre point. */
async function seedTree(ctx: CsCtx, name: string, level: CentreLevel, lat: number, long: number) {
  const radius: Record<CentreLevel, number> = {
    city: 40_000,
    district: 6_000,
    street: 1_500,
    community: 400,
  };
  const top = await createCentre({
    ctx,
    input: {
      level,
      name: `${name}社区服务中心`,
      lat,
      long,
      area: { type: "radius", lat, long, meters: radius[level] },
      openingHours: "周一至周五 9:00–17:00",
      contact: "12345",
    },
  });
  const grow = async (
    parentId: string,
    parentName: string,
    lvl: CentreLevel,
    la: number,
    lo: number,
    step: number,
  ) => {
    const next = below[lvl];
    if (!next) return;
    for (const k of [0, 1]) {
      const [cLat, cLong] = [la + (k === 0 ? -step : step), lo];
      const label = `${parentName.replace(/服务中心$/, "")}${ORDINAL[k]}${next === "community" ? "社区" : next === "street" ? "街道" : "区"}`;
      const c = await createCentre({
        ctx,
        input: {
          parentId,
          level: next,
          name: `${label}服务中心`,
          address: `${label}便民路${k + 1}号`,
          lat: cLat,
          long: cLong,
          openingHours: "周一至周六 8:30–17:30",
          contact: `010-6500${k}00${k}`,
          area: { type: "radius", lat: cLat, long: cLong, meters: radius[next] },
        },
      });
      await grow(c.id, label, next, cLat, cLong, step / 4);
    }
  };
  await grow(top.id, name, level, lat, long, level === "city" ? 0.05 : 0.012);
  return top;
}

/**
 * Community demo data per tenant: a centre tree, the catalogue, requests in every state (one
 * escalated by supervision), notices and appointment slots. Skipped when the tenant has centres.
 */
export async function seedDemoCommunity(db: Database, demo: { slug: string }[]) {
  for (const [i, { slug }] of demo.entries()) {
    const tenant = await findTenantBySlug(db, slug);
    if (!tenant) continue;
    const exists = await withTenant(db, tenant, (tx) =>
      tx.select({ id: csCentres.id }).from(csCentres).limit(1),
    );
    if (exists.length > 0) continue;
    const now = systemClock.now();
    const past = new ManualClock(new Date(now.getTime() - 30 * 24 * HOUR));
    const ctx: CsCtx = { db, tenant, clock: past };
    const [lat, long] = [39.9 + i * 0.02, 116.4 + i * 0.03];
    const top = await seedTree(ctx, tenant.name, tenant.level as CentreLevel, lat, long);
    for (const s of SERVICES) await saveService({ ctx, input: s });
    await assignStaff({ ctx, input: { userId: DEMO_CS_AGENT, centreId: top.id } });
    const agent: CsCtx = { ...ctx, actor: { id: DEMO_CS_AGENT, role: "staff" } };
    const report = (serviceCode: string, description: string, attributes = {}) =>
      submitRequest({
        ctx: { ...ctx, actor: { id: "resident", role: "resident" } },
        input: {
          serviceCode,
          description,
          channel: "web",
          lat,
          long,
          attributes,
          contact: { phone: "13800000000" },
        },
      });
    const steps = ["dispatched", "in_progress", "replied", "closed"] as const;
    for (const [n, [code, text, attrs]] of (
      [
        ["LIGHT", "小区门口路灯不亮", {}],
        ["ROAD", "人行道砖块松动", { SIZE: "S" }],
        ["NOISE", "夜间施工噪声", { SOURCES: ["build", "night"] }],
        ["CERT", "需要开具居住证明", {}],
        ["ELDER", "为独居老人预约上门服务", {}],
      ] as const
    ).entries()) {
      past.advance(HOUR);
      const r = await report(code, text, attrs);
      for (const to of steps.slice(0, n)) {
        await advanceRequest({ ctx: agent, input: { requestId: r.id, to, note: `演示：${to}` } });
      }
    }
    // One more answered and rated by the resident, one left overdue for supervision.
    const rated = await report("CERT", "开具无犯罪记录证明");
    for (const to of steps.slice(0, 3)) {
      await advanceRequest({ ctx: agent, input: { requestId: rated.id, to, note: `演示：${to}` } });
    }
    await rateRequest({ ctx, input: { token: rated.token, rating: 5, comment: "办理很快" } });
    await report("LIGHT", "楼道灯损坏多日");
    await escalateOverdue(db, tenant, { now: () => now });
    await publishNotice({
      ctx,
      input: {
        centreId: top.id,
        title: "便民服务时间调整",
        body: "节假日期间服务中心开放时间另行通知。",
      },
    });
    for (const d of [1, 2, 3]) {
      const startsAt = new Date(now.getTime() + d * 24 * HOUR);
      await createSlot({
        ctx: { ...ctx, clock: systemClock },
        input: {
          centreId: top.id,
          serviceCode: "CERT",
          startsAt,
          endsAt: new Date(startsAt.getTime() + HOUR),
          capacity: 5,
        },
      });
    }
  }
}
