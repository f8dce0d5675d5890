import type { Database, platformSchema } from "@zhengyun/db";
import { tenantSchema } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import { withTenant } from "@zhengyun/tenancy";
import { provisionTenant } from "@zhengyun/tenancy/node";
import { seedDemoAccounts } from "./accounts.ts";
import { seedDemoBilling } from "./billing.ts";
import { seedDemoCommunity } from "./community.ts";
import { seedDemoMedical } from "./medical.ts";
import { seedDemoPortal } from "./portal.ts";
import { seedDemoUsage } from "./usage.ts";

type Tenant = platformSchema.Tenant;

/** Settings key of a tenant's public face: names, hotline; read by the portal. */
export const PUBLIC_PROFILE_KEY = "public_profile";

export interface PublicProfile {
  displayName: { "zh-CN": string; en: string };
  shortName: { "zh-CN": string; en: string };
  hotline: string;
  address: { "zh-CN": string; en: string };
}

export interface DemoTenant {
  id: string;
  slug: string;
  name: string;
  level: Tenant["level"];
  parentSlug: string | null;
  status: Tenant["status"];
}

/** A demo account a person can sign in with; filled once identity lands. */
export interface DemoSignIn {
  role: string;
  tenantSlug: string | null;
  email: string;
  password: string;
  /** The confirmed TOTP enrolment of an account that must use a second factor (when just made). */
  otpauthUri?: string;
}

export interface DemoSummary {
  tenants: DemoTenant[];
  signIn: DemoSignIn[];
}

interface DemoTenantSpec {
  slug: string;
  name: string;
  level: "city" | "district" | "street";
  parentSlug?: string;
  profile: PublicProfile;
}

const DEMO_TENANTS: DemoTenantSpec[] = [
  {
    slug: "beijing",
    name: "北京市",
    level: "city",
    profile: {
      displayName: { "zh-CN": "北京市人民政府", en: "Beijing Municipal People's Government" },
      shortName: { "zh-CN": "北京市", en: "Beijing" },
      hotline: "12345",
      address: {
        "zh-CN": "北京市通州区运河东大街57号",
        en: "57 Yunhe East Street, Tongzhou, Beijing",
      },
    },
  },
  {
    slug: "dongcheng",
    name: "北京市东城区",
    level: "district",
    parentSlug: "beijing",
    profile: {
      displayName: {
        "zh-CN": "北京市东城区人民政府",
        en: "Dongcheng District People's Government",
      },
      shortName: { "zh-CN": "东城区", en: "Dongcheng" },
      hotline: "12345",
      address: { "zh-CN": "北京市东城区钱粮胡同3号", en: "3 Qianliang Hutong, Dongcheng, Beijing" },
    },
  },
  {
    slug: "xicheng",
    name: "北京市西城区",
    level: "district",
    parentSlug: "beijing",
    profile: {
      displayName: { "zh-CN": "北京市西城区人民政府", en: "Xicheng District People's Government" },
      shortName: { "zh-CN": "西城区", en: "Xicheng" },
      hotline: "12345",
      address: { "zh-CN": "北京市西城区二龙路27号", en: "27 Erlong Road, Xicheng, Beijing" },
    },
  },
];

export const demoTenantSlugs = DEMO_TENANTS.map((t) => t.slug);

/**
 * Seeds the demo: 北京市 and two of its districts, active, each with a public profile. Idempotent:
 * provisioning resumes or returns what exists, and existing settings are left as they are (an
 * operator may have edited them). Storage is taken now so later issues can seed objects.
 */
export async function seedDemo(deps: {
  db: Database;
  storage: ObjectStore;
  /** The runtime's secrets: the session secret seals the demo accounts' TOTP seeds. */
  secrets?: { sessionSecret: string };
}): Promise<DemoSummary> {
  const { db } = deps;
  const made: DemoTenant[] = [];
  for (const spec of DEMO_TENANTS) {
    const t = await provisionTenant(db, {
      slug: spec.slug,
      name: spec.name,
      level: spec.level,
      ...(spec.parentSlug ? { parentSlug: spec.parentSlug } : {}),
    });
    await withTenant(db, t, (tx) =>
      tx
        .insert(tenantSchema.settings)
        .values({ key: PUBLIC_PROFILE_KEY, value: spec.profile })
        .onConflictDoNothing(),
    );
    await seedDemoMedical(db, t);
    made.push({
      id: t.id,
      slug: t.slug,
      name: t.name,
      level: t.level,
      parentSlug: spec.parentSlug ?? null,
      status: t.status,
    });
  }
  await seedDemoUsage(db, made);
  await seedDemoBilling(db, made);
  await seedDemoCommunity(db, made);
  const signIn = await seedDemoAccounts(db, made, deps.secrets?.sessionSecret);
  // After the accounts: the portal's applications belong to the demo citizen, its work to staff.
  await seedDemoPortal(db, made);
  return { tenants: made, signIn };
}
