import { createUser, registerCitizen } from "@zhengyun/auth";
import { ManualClock, systemClock } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { users } from "@zhengyun/db/platform";
import {
  actOnApplication,
  actOnArticle,
  answerConsultation,
  type ItemInput,
  issueCertificate,
  type PortalCtx,
  portalItems,
  rateApplication,
  revokeCertificate,
  saveArticle,
  saveChannel,
  saveItem,
  submitApplication,
  submitConsultation,
} from "@zhengyun/portal";
import { findTenantBySlug, withPlatform, withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { DEMO_CITIZEN, DEMO_PASSWORD } from "./accounts.ts";

/**
 * The demo accounts that do the tenant's portal work (made by seedDemoAccounts, which runs first):
 * an editor and a second editor who reviews (never the author), the case officer, the citizen.
 */
export const demoPortalLogins = (slug: string) => ({
  editor: `portal@${slug}.example`,
  reviewer: `review@${slug}.example`,
  officer: `cases@${slug}.example`,
  citizen: DEMO_CITIZEN,
});
const DAY = 86_400_000;
/** The demo citizen's display name (accounts.ts registers 张市民). */
const CITIZEN_NAME = "张市民";

/**
 * The id of a demo account, made here when the accounts were not seeded first (a test seeding only
 * the portal); the citizen joins the tenant as registration does (one identity, idempotent).
 */
async function demoUser(
  db: Database,
  tenantId: string,
  email: string,
  role: "portal_editor" | "case_officer" | "citizen",
): Promise<string> {
  const ctx = { db };
  if (role === "citizen") {
    const input = { tenantId, login: email, password: DEMO_PASSWORD, displayName: CITIZEN_NAME };
    return (await registerCitizen({ ctx, input })).userId;
  }
  const [u] = await withPlatform(db, (tx) =>
    tx.select({ id: users.id }).from(users).where(eq(users.email, email)),
  );
  if (u) return u.id;
  return (
    await createUser({ ctx, input: { login: email, password: DEMO_PASSWORD, role, tenantId } })
  ).id;
}

/** About twenty items as the national catalogue shapes them: [code, name, type, legal, promised, fee]. */
const ITEMS: [string, string, ItemInput["type"], number, number, number][] = [
  ["000172001", "食品经营许可", "licensing", 20, 10, 0],
  ["000172002", "食品经营许可变更", "licensing", 20, 5, 0],
  ["000172003", "药品零售企业许可", "licensing", 30, 15, 0],
  ["000105001", "建设工程规划许可证核发", "licensing", 20, 15, 0],
  ["000105002", "建筑工程施工许可证核发", "licensing", 15, 7, 0],
  ["000113001", "户口迁入登记", "public_service", 10, 5, 0],
  ["000113002", "居民身份证换领", "public_service", 60, 20, 2000],
  ["000113003", "出生登记", "public_service", 5, 1, 0],
  ["000116001", "城乡居民养老保险参保登记", "public_service", 10, 3, 0],
  ["000116002", "社会保障卡申领", "public_service", 20, 10, 0],
  ["000116003", "失业登记", "public_service", 5, 0, 0],
  ["000118001", "不动产登记资料查询", "public_service", 5, 1, 0],
  ["000118002", "不动产权证书补发", "payment", 20, 10, 8000],
  ["000120001", "个体工商户设立登记", "licensing", 15, 3, 0],
  ["000120002", "企业名称自主申报", "confirmation", 5, 1, 0],
  ["000121001", "残疾人证核发", "confirmation", 30, 15, 0],
  ["000121002", "最低生活保障审核确认", "confirmation", 30, 20, 0],
  ["000122001", "再生育审批", "confirmation", 30, 15, 0],
  ["000123001", "公共场所卫生许可", "licensing", 20, 10, 0],
  ["000124001", "排水许可", "licensing", 20, 10, 0],
];

const item = (
  t: string,
  [code, name, type, legalDays, promisedDays, feeFen]: (typeof ITEMS)[number],
): ItemInput => ({
  code,
  name,
  type,
  implementingBody: `${t}政务服务管理局`,
  department: "综合受理科",
  legalBasis: "《中华人民共和国行政许可法》及相关法规",
  conditions: "申请人符合法定条件，材料齐全、符合法定形式",
  materials: [
    { name: "申请表", form: "original", copies: 1, required: true },
    { name: "身份证明", form: "copy", copies: 1, required: true },
    { name: "其他证明材料", form: "copy", copies: 1, required: false },
  ],
  steps: ["申请", "受理", "审查", "决定", "送达"],
  immediate: promisedDays === 0,
  legalDays,
  promisedDays,
  feeFen,
  visits: 0,
  online: true,
  contact: "12345",
  complaints: "12345",
  fields: [{ name: "reason", label: "申请事由", required: true }],
});

const ARTICLES: [string, string, string][] = [
  [
    "notices",
    "关于2026年春节期间政务服务大厅开放时间的通知",
    "<p>春节假期（2月15日至23日）期间，政务服务大厅暂停线下服务，网上办事正常受理。</p>",
  ],
  [
    "notices",
    "社保卡线上申领服务上线",
    "<p>即日起，居民可通过本门户在线申领<b>社会保障卡</b>，全程网办。</p>",
  ],
  ["notices", "户口迁移业务办理指南更新", "<p>户口迁入登记承诺时限缩短为5个工作日。</p>"],
  ["policies", "优化营商环境若干措施", "<p>推行“一网通办”，企业开办一个工作日内办结。</p>"],
  ["policies", "医保门诊报销政策解读", "<p>参保职工门诊费用报销比例和起付标准说明。</p>"],
];

/** Channels, articles, the catalogue, applications in every state, certificates and consultations. */
export async function seedDemoPortal(db: Database, demo: { slug: string }[]) {
  for (const { slug } of demo) {
    const tenant = await findTenantBySlug(db, slug);
    if (!tenant) continue;
    const exists = await withTenant(db, tenant, (tx) =>
      tx.select({ code: portalItems.code }).from(portalItems).limit(1),
    );
    if (exists.length > 0) continue;
    const logins = demoPortalLogins(slug);
    const DEMO_PORTAL = {
      editor: await demoUser(db, tenant.id, logins.editor, "portal_editor"),
      reviewer: await demoUser(db, tenant.id, logins.reviewer, "portal_editor"),
      officer: await demoUser(db, tenant.id, logins.officer, "case_officer"),
      citizen: await demoUser(db, tenant.id, logins.citizen, "citizen"),
    };
    const now = systemClock.now();
    const clock = new ManualClock(new Date(now.getTime() - 20 * DAY));
    const as = (id: string, kind: "staff" | "citizen" = "staff"): PortalCtx => ({
      db,
      tenant,
      clock,
      actor: { id, kind },
    });
    await saveChannel({
      ctx: as(DEMO_PORTAL.editor),
      input: { slug: "notices", name: "通知公告" },
    });
    await saveChannel({
      ctx: as(DEMO_PORTAL.editor),
      input: { slug: "policies", name: "政策解读" },
    });
    for (const [channel, title, body] of ARTICLES) {
      const a = await saveArticle({ ctx: as(DEMO_PORTAL.editor), input: { channel, title, body } });
      await actOnArticle({ ctx: as(DEMO_PORTAL.editor), id: a.id, input: { action: "submit" } });
      await actOnArticle({ ctx: as(DEMO_PORTAL.reviewer), id: a.id, input: { action: "publish" } });
    }
    for (const spec of ITEMS)
      await saveItem({ ctx: as(DEMO_PORTAL.officer), input: item(tenant.name, spec) });
    // One application per state along the workflow; the approved ones get certificates.
    const paths: string[][] = [
      [],
      ["notice"],
      ["not_accept"],
      ["accept"],
      ["accept", "review"],
      ["accept", "review", "suspend"],
      ["accept", "review", "approve"],
      ["accept", "review", "refuse"],
      ["accept", "review", "approve", "complete"],
      ["accept", "review", "approve", "complete"],
    ];
    const codes: string[] = [];
    for (const [n, steps] of paths.entries()) {
      const spec = ITEMS[n % ITEMS.length] as (typeof ITEMS)[number];
      const app = await submitApplication({
        ctx: as(DEMO_PORTAL.citizen, "citizen"),
        input: {
          itemCode: spec[0],
          // The demo citizen's own applications: they see every state after signing in.
          applicantName: CITIZEN_NAME,
          form: { reason: "本人申请" },
        },
      });
      for (const action of steps) {
        const input =
          action === "notice"
            ? { action, missing: ["身份证明（复印件不清晰）"] }
            : action === "suspend"
              ? { action, cause: "expert_review", reason: "组织专家评审" }
              : action === "not_accept" || action === "refuse"
                ? { action, reason: "不符合法定条件" }
                : { action };
        await actOnApplication({ ctx: as(DEMO_PORTAL.officer), ref: String(app.id), input });
        if (action === "approve") {
          const cert = await issueCertificate({
            ctx: as(DEMO_PORTAL.officer),
            ref: String(app.id),
            input: { validUntil: "2031-12-31" },
          });
          codes.push(cert.code);
        }
      }
      if (n === 9) {
        await rateApplication({
          ctx: as(DEMO_PORTAL.citizen, "citizen"),
          ref: String(app.id),
          input: { rating: 2, comment: "等待时间较长" },
        });
      }
      clock.advance(DAY);
    }
    if (codes[2])
      await revokeCertificate({
        ctx: as(DEMO_PORTAL.officer),
        code: codes[2],
        input: { reason: "演示：撤销" },
      });
    const q = await submitConsultation({
      ctx: as(DEMO_PORTAL.citizen, "citizen"),
      input: {
        kind: "consultation",
        name: CITIZEN_NAME,
        subject: "社保卡办理时间",
        question: "社保卡申领需要多久？",
        itemCode: "000116002",
      },
    });
    await answerConsultation({
      ctx: as(DEMO_PORTAL.officer),
      id: q.id,
      input: { answer: "承诺10个工作日内办结。", publish: true },
    });
    await submitConsultation({
      ctx: as(DEMO_PORTAL.citizen, "citizen"),
      input: {
        kind: "complaint",
        name: CITIZEN_NAME,
        subject: "窗口排队时间长",
        question: "上午排队超过一小时。",
        department: "督查室",
      },
    });
  }
}
