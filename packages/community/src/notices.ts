import { writeAudit } from "@zhengyun/audit";
import { NotFoundError, newId } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import { desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { allCentres, routeCentre } from "./centres.ts";
import { auditActor, type CsCtx, nowOf, parse } from "./context.ts";
import { csCentres, csNotices } from "./schema.ts";

const noticeInput = z.object({
  centreId: z.string().min(1),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(10_000),
});

export async function publishNotice({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(noticeInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [centre] = await tx.select().from(csCentres).where(eq(csCentres.id, i.centreId));
    if (!centre) throw new NotFoundError(`No centre ${i.centreId}`);
    const [row] = await tx
      .insert(csNotices)
      .values({ ...i, id: newId("csn"), publishedAt: nowOf(ctx) })
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.notice.publish",
      objectType: "cs_notice",
      objectId: row?.id ?? null,
    });
    return row;
  });
}

/**
 * Notices for a resident at a location: those of the community centre whose area holds the point
 * and of every centre above it (a district notice concerns the whole district).
 */
export async function noticesFor({
  ctx,
  input,
}: {
  ctx: CsCtx;
  input: { lat: number; long: number };
}) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const centres = await allCentres(tx);
    if (centres.length === 0) return [];
    const home = routeCentre(centres, "community", input.lat, input.long);
    const ids = home.path.split("/").filter(Boolean);
    return tx
      .select()
      .from(csNotices)
      .where(inArray(csNotices.centreId, ids))
      .orderBy(desc(csNotices.publishedAt));
  });
}
