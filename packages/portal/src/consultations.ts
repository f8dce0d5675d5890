import { writeAudit } from "@zhengyun/audit";
import { ConflictError, humanCode, NotFoundError, ValidationError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import { tenantCalendar } from "./calendar.ts";
import { findItem } from "./catalogue.ts";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import { portalConsultations } from "./schema-service.ts";

/** Reply within 5 working days unless the tenant says otherwise; an escalation restarts the clock. */
export const CONSULTATION_SLA_DAYS = 5;

export const consultationInput = z
  .object({
    kind: z.enum(["consultation", "complaint"]),
    name: z.string().trim().min(1).max(100),
    subject: z.string().trim().min(1).max(200),
    question: z.string().trim().min(1).max(5000),
    /** The department asked, or the item's department when `itemCode` is given. */
    department: z.string().trim().min(1).max(200).optional(),
    itemCode: z.string().min(1).max(64).optional(),
  })
  .refine((i) => i.department || i.itemCode, {
    message: "name a department or a service item",
    path: ["department"],
  });

export async function submitConsultation({ ctx, input }: { ctx: PortalCtx; input: unknown }) {
  const i = parse(consultationInput, input);
  const citizen = ctx.actor?.id;
  if (!citizen) throw new ValidationError("A signed-in citizen is required");
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    let department = i.department;
    if (i.itemCode) {
      const item = await findItem(tx, i.itemCode);
      if (!item) throw new NotFoundError(`No service item ${i.itemCode}`);
      department ??= item.department;
    }
    const now = nowOf(ctx);
    const dueAt = (await tenantCalendar(tx)).deadline(now, CONSULTATION_SLA_DAYS);
    const [row] = await tx
      .insert(portalConsultations)
      .values({
        kind: i.kind,
        tracking: humanCode(10),
        citizenId: citizen,
        name: i.name,
        subject: i.subject,
        question: i.question,
        department: department as string,
        itemCode: i.itemCode ?? null,
        state: "open",
        dueAt,
        createdAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: `portal.${i.kind}.submit`,
      objectType: "portal_consultation",
      objectId: String(row.id),
      data: { department },
    });
    return row;
  });
}

export const answerInput = z.object({
  answer: z.string().trim().min(1).max(5000),
  publish: z.boolean().default(false),
});

/** Staff answer; an answered consultation (never a complaint) may be published as Q&A. */
export async function answerConsultation({
  ctx,
  id,
  input,
}: {
  ctx: PortalCtx;
  id: number;
  input: unknown;
}) {
  const i = parse(answerInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [c] = await tx.select().from(portalConsultations).where(eq(portalConsultations.id, id));
    if (!c) throw new NotFoundError(`No consultation ${id}`);
    if (c.state !== "open") throw new ConflictError("Already answered");
    if (i.publish && c.kind === "complaint")
      throw new ValidationError("publish: complaints are not published");
    const now = nowOf(ctx);
    const [row] = await tx
      .update(portalConsultations)
      .set({
        state: "answered",
        answer: i.answer,
        answeredAt: now,
        answeredBy: ctx.actor?.id ?? null,
        published: i.publish,
      })
      .where(eq(portalConsultations.id, id))
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.consultation.answer",
      objectType: "portal_consultation",
      objectId: String(id),
      data: { publish: i.publish },
    });
    return row;
  });
}

/** Overdue open consultations go up a level (督办) with a fresh SLA; returns how many moved. */
export async function escalateOverdue(ctx: PortalCtx): Promise<number> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const now = nowOf(ctx);
    const due = await tx
      .select()
      .from(portalConsultations)
      .where(and(eq(portalConsultations.state, "open"), lt(portalConsultations.dueAt, now)));
    const cal = await tenantCalendar(tx);
    for (const c of due) {
      await tx
        .update(portalConsultations)
        .set({
          escalations: c.escalations + 1,
          escalatedAt: now,
          dueAt: cal.deadline(now, CONSULTATION_SLA_DAYS),
        })
        .where(eq(portalConsultations.id, c.id));
      await writeAudit(tx, {
        ...auditActor(ctx),
        action: "portal.consultation.escalate",
        objectType: "portal_consultation",
        objectId: String(c.id),
        data: { level: c.escalations + 1 },
      });
    }
    return due.length;
  });
}

/** The open queue for staff, by deadline. */
export async function consultationQueue(ctx: PortalCtx) {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(portalConsultations)
      .where(eq(portalConsultations.state, "open"))
      .orderBy(portalConsultations.dueAt),
  );
}

/** Public Q&A: published answers, without the asker. */
export async function publicQa(ctx: PortalCtx) {
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select({
        id: portalConsultations.id,
        subject: portalConsultations.subject,
        question: portalConsultations.question,
        answer: portalConsultations.answer,
        department: portalConsultations.department,
        answeredAt: portalConsultations.answeredAt,
      })
      .from(portalConsultations)
      .where(eq(portalConsultations.published, true))
      .orderBy(desc(portalConsultations.answeredAt))
      .limit(100),
  );
}
