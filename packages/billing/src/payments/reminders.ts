import { writeAudit } from "@zhengyun/audit";
import { type Database, platformSchema as p } from "@zhengyun/db";
import { enqueueNotification } from "@zhengyun/jobs/outbox";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { and, eq, inArray } from "drizzle-orm";
import { formatFen } from "../pdf/view.ts";
import { type InvoiceBalance, invoiceBalances } from "./balance.ts";

/** Days past the due date at which a reminder goes out, once each per invoice. */
export const REMINDER_STAGES = [7, 14, 30] as const;

const DAY = 86_400_000;
/** Today's date in Asia/Shanghai, where due dates are read. */
const shanghaiDay = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
export const daysOverdue = (dueOn: string, now: Date): number =>
  Math.round((Date.parse(shanghaiDay(now)) - Date.parse(dueOn)) / DAY);

export interface ReminderSent {
  invoiceId: string;
  tenantId: string;
  stage: number;
  recipients: number;
}

/**
 * Queues overdue reminders for unpaid issued invoices. Each (invoice, stage) is claimed once in the
 * control plane (the primary key dedupes concurrent or repeated runs); the e-mail to the tenant's
 * administrators is then queued in the tenant's own outbox. If that fails the claim is released,
 * so the job's retry sends it. A run that finds several stages reached at once (the job was down)
 * claims them all and sends one reminder, for the latest stage.
 */
export async function queueOverdueReminders(db: Database, now: Date): Promise<ReminderSent[]> {
  const due = await withPlatform(db, (tx) => invoiceBalances(tx, { unpaidOnly: true }));
  const sent: ReminderSent[] = [];
  for (const b of due) {
    if (!b.dueOn) continue;
    const late = daysOverdue(b.dueOn, now);
    const reached = REMINDER_STAGES.filter((s) => late >= s);
    if (reached.length === 0) continue;
    const claim = await claimStages(db, b, reached);
    if (!claim) continue;
    try {
      const recipients = await notifyTenant(db, claim.tenant, b, claim.stage, late);
      sent.push({ invoiceId: b.invoiceId, tenantId: b.tenantId, stage: claim.stage, recipients });
    } catch (e) {
      await withPlatform(db, (tx) =>
        tx
          .delete(p.paymentReminders)
          .where(
            and(
              eq(p.paymentReminders.invoiceId, b.invoiceId),
              inArray(p.paymentReminders.stageDays, claim.stages),
            ),
          ),
      );
      throw e;
    }
  }
  return sent;
}

async function claimStages(db: Database, b: InvoiceBalance, reached: number[]) {
  return withPlatform(db, async (tx) => {
    const claimed = await tx
      .insert(p.paymentReminders)
      .values(reached.map((stageDays) => ({ invoiceId: b.invoiceId, stageDays })))
      .onConflictDoNothing()
      .returning({ stage: p.paymentReminders.stageDays });
    if (claimed.length === 0) return undefined;
    const stages = claimed.map((c) => c.stage);
    const stage = Math.max(...stages);
    const [tenant] = await tx.select().from(p.tenants).where(eq(p.tenants.id, b.tenantId));
    if (!tenant) return undefined;
    await writeAudit(tx, {
      actorId: "billing.reminders",
      actorRole: "job",
      tenantId: b.tenantId,
      action: "billing.invoice.remind",
      objectType: "invoice",
      objectId: b.invoiceId,
      data: { stages, balanceFen: b.balanceFen },
    });
    const admins = await tx
      .select({ email: p.users.email })
      .from(p.memberships)
      .innerJoin(p.users, eq(p.users.id, p.memberships.userId))
      .where(
        and(
          eq(p.memberships.tenantId, b.tenantId),
          eq(p.memberships.role, "tenant_admin"),
          eq(p.users.status, "active"),
        ),
      );
    const emails = admins.flatMap((a) => (a.email ? [a.email] : []));
    return { stages, stage, tenant: { ...tenant, emails } };
  });
}

async function notifyTenant(
  db: Database,
  tenant: { id: string; slug: string; schemaName: string; roleName: string; emails: string[] },
  b: InvoiceBalance,
  stage: number,
  late: number,
): Promise<number> {
  if (tenant.emails.length === 0) return 0;
  await withTenant(db, tenant, async (tx) => {
    for (const recipient of tenant.emails) {
      await enqueueNotification(tx, {
        channel: "email",
        recipient,
        subject: `付款提醒：发票 ${b.number} 已逾期 ${stage} 天`,
        body: `发票 ${b.number} 的付款期限为 ${b.dueOn}，目前已逾期 ${late} 天，尚欠 ${formatFen(b.balanceFen)}。如已通过银行转账付款，请忽略本提醒。`,
      });
    }
  });
  return tenant.emails.length;
}
