import { writeAudit } from "@zhengyun/audit";
import { ConflictError, NotFoundError, newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { z } from "zod";
import { type Actor, loadTenant, parseInput } from "./actor.ts";
import { lockKey } from "./catalog.ts";
import { contractOn } from "./contracts.ts";

const { subscriptions } = platformSchema;

export const subscribeInput = z.object({
  tenant: z.string().min(1),
  module: z.string().min(1),
  startsOn: z.iso.date(),
  endsOn: z.iso.date().nullable().default(null),
  priceLevel: z.enum(["city", "district", "street"]).optional(),
});

/** Subscribes a module allowed by the contract in force; one open subscription per module. */
export async function subscribe(
  db: Database,
  input: z.input<typeof subscribeInput>,
  actor: Actor = {},
): Promise<platformSchema.Subscription> {
  const v = parseInput(subscribeInput, input);
  if (v.endsOn !== null && v.endsOn <= v.startsOn) {
    throw new ValidationError("endsOn must be after startsOn", [
      { path: "endsOn", message: "too early" },
    ]);
  }
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    await lockKey(tx, `subs:${tenant.id}`);
    const contract = await contractOn(tx, tenant.id, v.startsOn);
    if (!contract?.modules.some((m) => m.module === v.module)) {
      throw new ValidationError(
        `Module ${v.module} is not in the contract in force on ${v.startsOn}`,
      );
    }
    const [live] = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.tenantId, tenant.id),
          eq(subscriptions.module, v.module),
          or(isNull(subscriptions.endsOn), gt(subscriptions.endsOn, v.startsOn)),
        ),
      );
    if (live) throw new ConflictError(`Module ${v.module} is already subscribed (${live.id})`);
    const [row] = await tx
      .insert(subscriptions)
      .values({
        id: newId("sub"),
        tenantId: tenant.id,
        contractId: contract.id,
        module: v.module,
        priceLevel: v.priceLevel ?? tenant.level,
        startsOn: v.startsOn,
        endsOn: v.endsOn,
        createdBy: actor.actorId ?? null,
      })
      .returning();
    if (!row) throw new Error("subscription insert returned nothing");
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: "billing.subscription.create",
      objectType: "subscription",
      objectId: row.id,
      data: { module: v.module, startsOn: v.startsOn, priceLevel: row.priceLevel },
    });
    return row;
  });
}

export const unsubscribeInput = z.object({
  tenant: z.string().min(1),
  module: z.string().min(1),
  endsOn: z.iso.date(),
});

/** Ends the module's open subscription on endsOn (exclusive: the last billed day is the day before). */
export async function unsubscribe(
  db: Database,
  input: z.input<typeof unsubscribeInput>,
  actor: Actor = {},
): Promise<platformSchema.Subscription> {
  const v = parseInput(unsubscribeInput, input);
  return withPlatform(db, async (tx) => {
    const tenant = await loadTenant(tx, v.tenant);
    await lockKey(tx, `subs:${tenant.id}`);
    const [open] = await tx
      .select()
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.tenantId, tenant.id),
          eq(subscriptions.module, v.module),
          isNull(subscriptions.endsOn),
        ),
      );
    if (!open) throw new NotFoundError(`No open subscription to ${v.module}`);
    if (v.endsOn <= open.startsOn) {
      throw new ValidationError("endsOn must be after the subscription's start", [
        { path: "endsOn", message: "too early" },
      ]);
    }
    const [row] = await tx
      .update(subscriptions)
      .set({ endsOn: v.endsOn, updatedAt: new Date() })
      .where(eq(subscriptions.id, open.id))
      .returning();
    if (!row) throw new Error("subscription update returned nothing");
    await writeAudit(tx, {
      ...actor,
      tenantId: tenant.id,
      action: "billing.subscription.end",
      objectType: "subscription",
      objectId: row.id,
      data: { module: v.module, endsOn: v.endsOn },
    });
    return row;
  });
}

/** An upgrade (or downgrade) of the priced tier on a day: ends the open row, starts a new one. */
export async function changePriceLevel(
  db: Database,
  input: { tenant: string; module: string; on: string; priceLevel: "city" | "district" | "street" },
  actor: Actor = {},
): Promise<platformSchema.Subscription> {
  return withPlatform(db, async () => {
    await unsubscribe(db, { tenant: input.tenant, module: input.module, endsOn: input.on }, actor);
    return subscribe(
      db,
      {
        tenant: input.tenant,
        module: input.module,
        startsOn: input.on,
        priceLevel: input.priceLevel,
      },
      actor,
    );
  });
}
