import { type Clock, systemClock } from "@zhengyun/core";
import { type Database, tenantSchema } from "@zhengyun/db";
import { type TenantRef, withTenant } from "@zhengyun/tenancy";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { NotificationProvider } from "./notifications.ts";
import { ACTIVE, resolveTenant, tenantsIn } from "./tenants.ts";
import { recordUsage } from "./usage.ts";

const { notificationOutbox } = tenantSchema;

export interface DeliveryOptions {
  clock?: Clock;
  /** Attempts before a message is given up as failed. */
  maxAttempts?: number;
  /** Delay after the first failure; doubled after each further one, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  batchSize?: number;
  /** A claimed message is not picked again for this long, so two workers never send it twice. */
  leaseMs?: number;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

export const backoffMs = (attempts: number, base: number, max: number): number =>
  Math.min(max, base * 2 ** Math.max(0, attempts - 1));

/** The usage event of a sent message: derived from its id, so a retry never counts twice. */
export const sentEventId = (notificationId: string): string => `${notificationId}:sent`;

/**
 * Sends a tenant's due messages. Claiming (attempts + 1, lease) and the outcome are two short
 * tenant transactions; the provider call runs between them, outside any transaction. Success marks
 * the message sent and records its usage in one transaction.
 */
export async function deliverTenantNotifications(
  db: Database,
  tenant: TenantRef,
  provider: NotificationProvider,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const clock = opts.clock ?? systemClock;
  const maxAttempts = opts.maxAttempts ?? 5;
  const now = clock.now();
  const claimed = await withTenant(db, tenant, async (tx) => {
    const due = tx
      .select({ id: notificationOutbox.id })
      .from(notificationOutbox)
      .where(
        and(eq(notificationOutbox.status, "pending"), lte(notificationOutbox.nextAttemptAt, now)),
      )
      .orderBy(notificationOutbox.nextAttemptAt)
      .limit(opts.batchSize ?? 20)
      .for("update", { skipLocked: true });
    return tx
      .update(notificationOutbox)
      .set({
        attempts: sql`${notificationOutbox.attempts} + 1`,
        nextAttemptAt: new Date(now.getTime() + (opts.leaseMs ?? 300_000)),
      })
      .where(inArray(notificationOutbox.id, due))
      .returning();
  });

  const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
  for (const m of claimed) {
    try {
      await provider.send({
        id: m.id,
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        channel: m.channel,
        recipient: m.recipient,
        subject: m.subject,
        body: m.body,
        createdAt: m.createdAt,
        attempt: m.attempts,
      });
    } catch (e) {
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
      const giveUp = m.attempts >= maxAttempts;
      const delay = backoffMs(m.attempts, opts.baseDelayMs ?? 30_000, opts.maxDelayMs ?? 3_600_000);
      await withTenant(db, tenant, (tx) =>
        tx
          .update(notificationOutbox)
          .set(
            giveUp
              ? { status: "failed", lastError: error }
              : { lastError: error, nextAttemptAt: new Date(clock.now().getTime() + delay) },
          )
          .where(eq(notificationOutbox.id, m.id)),
      );
      if (giveUp) result.failed++;
      else result.retrying++;
      continue;
    }
    await withTenant(db, tenant, async (tx) => {
      const sentAt = clock.now();
      await tx
        .update(notificationOutbox)
        .set({ status: "sent", sentAt, lastError: null })
        .where(eq(notificationOutbox.id, m.id));
      await recordUsage(tx, {
        meter: `${m.channel}.sent`,
        quantity: 1,
        eventId: sentEventId(m.id),
        occurredAt: sentAt,
      });
    });
    result.sent++;
  }
  return result;
}

/** Every live tenant (or the given ones); one tenant's failure does not stop the others. */
export async function deliverNotifications(
  db: Database,
  provider: NotificationProvider,
  tenant?: TenantRef | string | TenantRef[],
  opts: DeliveryOptions = {},
): Promise<DeliveryResult & { errors: { slug: string; error: string }[] }> {
  const list = Array.isArray(tenant)
    ? tenant
    : tenant === undefined
      ? await tenantsIn(db, ACTIVE)
      : [await resolveTenant(db, tenant, ACTIVE)];
  const total = {
    sent: 0,
    retrying: 0,
    failed: 0,
    errors: [] as { slug: string; error: string }[],
  };
  for (const t of list) {
    try {
      const r = await deliverTenantNotifications(db, t, provider, opts);
      total.sent += r.sent;
      total.retrying += r.retrying;
      total.failed += r.failed;
    } catch (e) {
      total.errors.push({ slug: t.slug, error: (e as Error).message });
    }
  }
  return total;
}
