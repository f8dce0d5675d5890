import {
  type AuthCtx,
  confirmTotp,
  createUser,
  enrollTotp,
  registerCitizen,
  totpCode,
} from "@zhengyun/auth";
import { ConflictError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import type { DemoSignIn, DemoTenant } from "./index.ts";

/** Every demo account shares one known password; no account like these exists in production. */
export const DEMO_PASSWORD = "Zhengyun-Demo-2026";

const VENDOR = [
  ["operator", "ops"],
  ["finance", "finance"],
  ["security_admin", "security"],
  ["audit_admin", "audit"],
] as const;

const TENANT = [
  ["tenant_admin", "admin"],
  ["tenant_security_admin", "security"],
  ["tenant_auditor", "auditor"],
  ["portal_editor", "portal"],
  // A second editor: publishing needs a reviewer who is not the author.
  ["portal_editor", "review"],
  ["case_officer", "cases"],
  ["mi_officer", "mi"],
  ["community_agent", "community"],
] as const;

/** Roles whose sign-in requires TOTP: their enrolment is confirmed here and printed. */
const TOTP_ROLES = new Set([
  "operator",
  "finance",
  "security_admin",
  "audit_admin",
  "tenant_admin",
]);

export const DEMO_CITIZEN = "citizen@demo.example";

/**
 * Demo accounts: the vendor's four duties, per demo tenant its admin, security admin, auditor and
 * one of each module role, and one citizen registered in every demo tenant (one identity). Second
 * factors are confirmed two minutes in the past, so the authenticator app's current code is
 * accepted at once. Idempotent: existing accounts are listed without their enrolment (only shown
 * when made).
 */
export async function seedDemoAccounts(
  db: Database,
  tenants: DemoTenant[],
  secretKey?: string,
): Promise<DemoSignIn[]> {
  const ctx: AuthCtx = { db, ...(secretKey ? { secretKey } : {}) };
  const out: DemoSignIn[] = [];
  const staff = async (role: string, email: string, tenant: DemoTenant | null) => {
    const entry: DemoSignIn = {
      role,
      tenantSlug: tenant?.slug ?? null,
      email,
      password: DEMO_PASSWORD,
    };
    try {
      const u = await createUser({
        ctx,
        input: { login: email, password: DEMO_PASSWORD, role, tenantId: tenant?.id ?? null },
      });
      if (TOTP_ROLES.has(role)) entry.otpauthUri = await confirmedTotp(ctx, u.id);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
    out.push(entry);
  };
  for (const [role, name] of VENDOR) await staff(role, `${name}@zhengyun.example`, null);
  for (const t of tenants) {
    for (const [role, name] of TENANT) await staff(role, `${name}@${t.slug}.example`, t);
  }
  for (const t of tenants) {
    await registerCitizen({
      ctx,
      input: {
        tenantId: t.id,
        login: DEMO_CITIZEN,
        password: DEMO_PASSWORD,
        displayName: "张市民",
      },
    });
    out.push({ role: "citizen", tenantSlug: t.slug, email: DEMO_CITIZEN, password: DEMO_PASSWORD });
  }
  return out;
}

async function confirmedTotp(ctx: AuthCtx, userId: string): Promise<string> {
  const { secret, uri } = await enrollTotp({ ctx, input: { userId } });
  const past = new Date(Date.now() - 120_000);
  await confirmTotp({
    ctx: { ...ctx, clock: { now: () => past } },
    input: { userId, code: totpCode(secret, past) },
  });
  return uri;
}
