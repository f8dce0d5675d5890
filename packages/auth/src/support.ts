import { ConflictError, ForbiddenError, NotFoundError, newId } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { type SupportGrant, supportGrants } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, gt, lte } from "drizzle-orm";
import { z } from "zod";
import type { GrantView } from "./authorize.ts";
import { type AuthCtx, audit, clockOf, requirePermission } from "./context.ts";
import { parse } from "./input.ts";
import { businessPermissions } from "./permissions.ts";
import { requireUser } from "./users.ts";

export const MAX_SUPPORT_MINUTES = 8 * 60;

const requestInput = z.object({
  vendorUserId: z.string().min(1),
  tenantId: z.string().min(1),
  scope: z.array(z.enum(businessPermissions)).min(1),
  reason: z.string().trim().min(5).max(500),
  minutes: z.number().int().min(5).max(MAX_SUPPORT_MINUTES),
});

/**
 * A vendor user asks for time- and scope-limited access to one tenant's business data. The window
 * starts only when a tenant admin approves; until then the grant allows nothing.
 */
export async function requestSupportAccess({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<SupportGrant> {
  const i = parse(requestInput, input);
  requirePermission(ctx, "platform.support:request", null);
  if (ctx.actor && ctx.actor.id !== i.vendorUserId) throw new ForbiddenError();
  const now = clockOf(ctx).now();
  return withPlatform(ctx.db, async (tx) => {
    await requireUser(tx, i.vendorUserId);
    const [row] = await tx
      .insert(supportGrants)
      .values({
        id: newId("sup"),
        vendorUserId: i.vendorUserId,
        tenantId: i.tenantId,
        scope: [...new Set(i.scope)],
        reason: i.reason,
        // Holds the requested length until approval sets the real window.
        validFrom: now,
        validUntil: new Date(now.getTime() + i.minutes * 60_000),
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await audit(ctx, tx, {
      action: "support.request",
      result: "success",
      tenantId: i.tenantId,
      objectType: "support_grant",
      objectId: row.id,
      data: { scope: row.scope, minutes: i.minutes },
    });
    return row;
  });
}

const decideInput = z.object({ tenantId: z.string().min(1), grantId: z.string().min(1) });

async function decide(ctx: AuthCtx, input: unknown, to: "approved" | "rejected" | "revoked") {
  const i = parse(decideInput, input);
  requirePermission(ctx, "tenant.support:approve", i.tenantId);
  const now = clockOf(ctx).now();
  return withPlatform(ctx.db, async (tx) => {
    const [g] = await tx
      .select()
      .from(supportGrants)
      .where(and(eq(supportGrants.id, i.grantId), eq(supportGrants.tenantId, i.tenantId)));
    if (!g) throw new NotFoundError("No such support-access request");
    const from = to === "revoked" ? "approved" : "requested";
    if (g.status !== from) throw new ConflictError(`The request is ${g.status}`);
    const length = g.validUntil.getTime() - g.validFrom.getTime();
    const window =
      to === "approved"
        ? { validFrom: now, validUntil: new Date(now.getTime() + length) }
        : to === "revoked"
          ? { validUntil: now }
          : {};
    const [row] = await tx
      .update(supportGrants)
      .set({ status: to, decidedAt: now, approvedBy: ctx.actor?.id ?? null, ...window })
      .where(eq(supportGrants.id, g.id))
      .returning();
    if (!row) throw new Error("update returned nothing");
    await audit(ctx, tx, {
      action: `support.${to === "approved" ? "approve" : to === "rejected" ? "reject" : "revoke"}`,
      result: "success",
      tenantId: i.tenantId,
      objectType: "support_grant",
      objectId: g.id,
    });
    return row;
  });
}

/** Tenant admins decide; approval starts the requested window now. */
export const approveSupportAccess = ({ ctx, input }: { ctx: AuthCtx; input: unknown }) =>
  decide(ctx, input, "approved");
export const rejectSupportAccess = ({ ctx, input }: { ctx: AuthCtx; input: unknown }) =>
  decide(ctx, input, "rejected");
export const revokeSupportAccess = ({ ctx, input }: { ctx: AuthCtx; input: unknown }) =>
  decide(ctx, input, "revoked");

/** Approved grants in force at `now` for a vendor user in one tenant, for the principal. */
export async function activeGrants(
  tx: Tx,
  userId: string,
  tenantId: string,
  now: Date,
): Promise<GrantView[]> {
  const rows = await tx
    .select()
    .from(supportGrants)
    .where(
      and(
        eq(supportGrants.vendorUserId, userId),
        eq(supportGrants.tenantId, tenantId),
        eq(supportGrants.status, "approved"),
        lte(supportGrants.validFrom, now),
        gt(supportGrants.validUntil, now),
      ),
    );
  return rows.map((g) => ({
    id: g.id,
    tenantId: g.tenantId,
    scope: g.scope,
    validFrom: g.validFrom,
    validUntil: g.validUntil,
  }));
}
