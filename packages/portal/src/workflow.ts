import { writeAudit } from "@zhengyun/audit";
import { ConflictError, shanghaiDay } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { acceptUploads, addEvent, loadApplication } from "./applications.ts";
import { tenantCalendar } from "./calendar.ts";
import { findItem } from "./catalogue.ts";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import type { MaterialStore } from "./materials.ts";
import { type ApplicationState, type PortalApplication, portalApplications } from "./schema.ts";

const reason = z.string().trim().min(1).max(2000);

/** Staff actions on an application; each names the states it may start from. */
export const actionInput = z.discriminatedUnion("action", [
  z.object({ action: z.literal("accept") }),
  z.object({ action: z.literal("not_accept"), reason }),
  /** 一次性告知: every missing or deficient material at once. */
  z.object({
    action: z.literal("notice"),
    missing: z.array(z.string().trim().min(1).max(200)).min(1).max(50),
    reason: reason.optional(),
  }),
  z.object({ action: z.literal("review") }),
  z.object({
    action: z.literal("suspend"),
    cause: z.enum(["hearing", "expert_review", "correction"]),
    reason,
  }),
  z.object({ action: z.literal("resume") }),
  z.object({ action: z.literal("approve"), reason: reason.optional() }),
  z.object({ action: z.literal("refuse"), reason }),
  z.object({ action: z.literal("complete") }),
]);
export type ActionInput = z.input<typeof actionInput>;

const FROM: Record<ActionInput["action"], readonly ApplicationState[]> = {
  accept: ["received"],
  not_accept: ["received"],
  notice: ["received"],
  review: ["accepted"],
  suspend: ["under_review"],
  resume: ["suspended"],
  approve: ["under_review"],
  refuse: ["under_review"],
  complete: ["approved", "refused"],
};
/** The staff actions an application in `state` takes (what the case page offers). */
export const actionsFrom = (state: ApplicationState): ActionInput["action"][] =>
  (Object.keys(FROM) as ActionInput["action"][]).filter((a) => FROM[a].includes(state));

const TO: Record<ActionInput["action"], ApplicationState> = {
  accept: "accepted",
  not_accept: "not_accepted",
  notice: "notice",
  review: "under_review",
  suspend: "suspended",
  resume: "under_review",
  approve: "approved",
  refuse: "refused",
  complete: "completed",
};

/**
 * Moves an application along the statutory workflow. The deadline counts from acceptance in the
 * tenant's working days; a suspension's working days are added to it when the clock resumes.
 */
export async function actOnApplication({
  ctx,
  ref,
  input,
}: {
  ctx: PortalCtx;
  ref: string;
  input: unknown;
}) {
  const i = parse(actionInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, true);
    if (!FROM[i.action].includes(app.state)) {
      throw new ConflictError(
        `Cannot ${i.action} an application that is ${app.state.replace("_", " ")}`,
      );
    }
    const now = nowOf(ctx);
    const cal = await tenantCalendar(tx);
    const item = await findItem(tx, app.itemCode);
    const limit = item?.promisedDays ?? 0;
    const set: Partial<PortalApplication> = { state: TO[i.action], updatedAt: now };
    const data: Record<string, unknown> = {};
    if (i.action === "accept") {
      set.acceptedAt = now;
      set.dueAt = cal.deadline(now, limit);
    } else if (i.action === "suspend") {
      set.suspendedSince = now;
      data.cause = i.cause;
    } else if (i.action === "resume" && app.suspendedSince && app.acceptedAt) {
      // Working days the clock stood still, counting the day it stopped when that was one.
      const from = shanghaiDay(app.suspendedSince);
      const stood = cal.between(from, shanghaiDay(now)) + (cal.isWorkingDay(from) ? 1 : 0);
      set.suspendedDays = app.suspendedDays + stood;
      set.suspendedSince = null;
      set.dueAt = cal.deadline(app.acceptedAt, limit + set.suspendedDays);
      data.suspendedDays = stood;
    } else if (i.action === "approve" || i.action === "refuse") {
      set.decision = i.action === "approve" ? "approved" : "refused";
    } else if (i.action === "notice") {
      data.missing = i.missing;
    }
    const [row] = await tx
      .update(portalApplications)
      .set(set)
      .where(eq(portalApplications.id, app.id))
      .returning();
    const note = "reason" in i && i.reason ? i.reason : "";
    await addEvent(tx, {
      applicationId: app.id,
      state: TO[i.action],
      action: i.action,
      note,
      data,
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: `portal.application.${i.action}`,
      objectType: "portal_application",
      objectId: String(app.id),
      data: { from: app.state, to: TO[i.action], ...data },
    });
    return row as PortalApplication;
  });
}

export const supplementInput = z.object({
  materials: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        upload: z.string().regex(/^quarantine\/upl_[0-9A-Za-z]+$/),
      }),
    )
    .min(1)
    .max(50),
  note: z.string().trim().max(2000).default(""),
});

/** The applicant answers a one-time notice: received again, and the 5-day window restarts. */
export async function supplementApplication({
  ctx,
  ref,
  input,
  store,
}: {
  ctx: PortalCtx;
  ref: string;
  input: unknown;
  store?: MaterialStore;
}) {
  const i = parse(supplementInput, input);
  const current = await withTenant(ctx.db, ctx.tenant, (tx) =>
    loadApplication(tx, ref, ctx, false),
  );
  if (current.state !== "notice")
    throw new ConflictError("Only an application under a notice takes corrections");
  const added = await acceptUploads(store, ctx.tenant.id, i.materials);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, false);
    if (app.state !== "notice")
      throw new ConflictError("Only an application under a notice takes corrections");
    const now = nowOf(ctx);
    const [row] = await tx
      .update(portalApplications)
      .set({
        state: "received",
        receivedAt: now,
        materials: [...app.materials, ...added],
        updatedAt: now,
      })
      .where(eq(portalApplications.id, app.id))
      .returning();
    await addEvent(tx, {
      applicationId: app.id,
      state: "received",
      action: "supplement",
      note: i.note,
      data: { materials: added.map((m) => m.name) },
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.application.supplement",
      objectType: "portal_application",
      objectId: String(app.id),
      data: { materials: added.length },
    });
    return row as PortalApplication;
  });
}
