import { writeAudit } from "@zhengyun/audit";
import { ConflictError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { addEvent, loadApplication } from "./applications.ts";
import { tenantCalendar } from "./calendar.ts";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import { portalApplications, portalFollowups } from "./schema.ts";

/** 好差评: 5 very satisfied … 1 very dissatisfied; 1 and 2 are poor and get a follow-up. */
export const ratingInput = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).default(""),
});
export const FOLLOWUP_DAYS = 15;

export async function rateApplication({
  ctx,
  ref,
  input,
}: {
  ctx: PortalCtx;
  ref: string;
  input: unknown;
}) {
  const i = parse(ratingInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, false);
    if (app.state !== "completed")
      throw new ConflictError("Only a completed application can be rated");
    if (app.rating !== null) throw new ConflictError("This application was already rated");
    const now = nowOf(ctx);
    await tx
      .update(portalApplications)
      .set({ rating: i.rating, updatedAt: now })
      .where(eq(portalApplications.id, app.id));
    await addEvent(tx, {
      applicationId: app.id,
      state: app.state,
      action: "rate",
      note: i.comment,
      data: { rating: i.rating },
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    let followup = null;
    if (i.rating <= 2) {
      const dueAt = (await tenantCalendar(tx)).deadline(now, FOLLOWUP_DAYS);
      [followup] = await tx
        .insert(portalFollowups)
        .values({
          applicationId: app.id,
          rating: i.rating,
          comment: i.comment,
          dueAt,
          createdAt: now,
        })
        .returning();
    }
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.application.rate",
      objectType: "portal_application",
      objectId: String(app.id),
      data: { rating: i.rating },
    });
    return { rating: i.rating, followup: followup ?? null };
  });
}
