import { newId, ValidationError } from "@zhengyun/core";
import { memberships, passwordCredentials, users } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { type AuthCtx, audit, clockOf } from "./context.ts";
import { invalidCredentials } from "./errors.ts";
import { normalizeLogin, parse } from "./input.ts";
import { assertPasswordPolicy, hashPassword, verifyPassword } from "./password.ts";
import { findUserByLogin, policyFor } from "./users.ts";

const registerInput = z.object({
  tenantId: z.string().min(1),
  login: z.string().max(320),
  password: z.string().max(1024),
  displayName: z.string().trim().min(1).max(100).optional(),
});

/**
 * A citizen registers on a tenant's portal. One identity serves every tenant: a login that already
 * exists joins this tenant when its password is proven (and is refused otherwise); a new login gets
 * a new identity. Registration is a citizen membership in the tenant.
 */
export async function registerCitizen({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(registerInput, input);
  const login = normalizeLogin(i.login);
  if (!login) {
    throw new ValidationError("Invalid login", [{ path: "login", message: "email or phone" }]);
  }
  const now = clockOf(ctx).now();
  const existing = await withPlatform(ctx.db, (tx) => findUserByLogin(tx, login));
  let hash: string | undefined;
  if (existing) {
    const [cred] = await withPlatform(ctx.db, (tx) =>
      tx.select().from(passwordCredentials).where(eq(passwordCredentials.userId, existing.id)),
    );
    const ok = cred && (await verifyPassword(cred.hash, i.password));
    if (!ok || existing.status !== "active") throw invalidCredentials();
  } else {
    assertPasswordPolicy(i.password, policyFor(ctx, i.tenantId));
    hash = await hashPassword(i.password);
  }
  return withPlatform(ctx.db, async (tx) => {
    const userId = existing?.id ?? newId("usr");
    // A hash exists exactly when the identity is new.
    if (hash !== undefined) {
      const displayName = i.displayName ?? i.login.trim();
      await tx
        .insert(users)
        .values({ id: userId, ...login, displayName, createdAt: now, updatedAt: now });
      await tx.insert(passwordCredentials).values({ userId, hash, changedAt: now });
    }
    const joined = await tx
      .insert(memberships)
      .values({ id: newId("mem"), userId, tenantId: i.tenantId, role: "citizen" })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    await audit(ctx, tx, {
      action: existing ? "citizen.join" : "citizen.register",
      result: "success",
      tenantId: i.tenantId,
      actorId: userId,
      objectType: "user",
      objectId: userId,
    });
    return { userId, joined: joined.length === 1, newIdentity: !existing };
  });
}
