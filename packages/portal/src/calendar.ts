import { writeAudit } from "@zhengyun/audit";
import { CN_HOLIDAYS, WorkingCalendar } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type PortalCtx, parse } from "./context.ts";
import { portalCalendarDays } from "./schema.ts";

/** The tenant's calendar: the State Council arrangements overlaid with the tenant's own edits. */
export async function tenantCalendar(tx: Tx): Promise<WorkingCalendar> {
  const edits = await tx.select().from(portalCalendarDays);
  return new WorkingCalendar(CN_HOLIDAYS, edits);
}

export const calendarEditInput = z.object({
  day: z.iso.date(),
  /** `default` removes the tenant's edit: the national arrangement applies again. */
  kind: z.enum(["off", "work", "default"]),
  note: z.string().trim().max(200).default(""),
});

export async function editCalendarDay({ ctx, input }: { ctx: PortalCtx; input: unknown }) {
  const i = parse(calendarEditInput, input);
  await withTenant(ctx.db, ctx.tenant, async (tx) => {
    if (i.kind === "default") {
      await tx.delete(portalCalendarDays).where(eq(portalCalendarDays.day, i.day));
    } else {
      await tx
        .insert(portalCalendarDays)
        .values({ day: i.day, kind: i.kind, note: i.note })
        .onConflictDoUpdate({
          target: portalCalendarDays.day,
          set: { kind: i.kind, note: i.note, updatedAt: new Date() },
        });
    }
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.calendar.edit",
      objectType: "portal_calendar_day",
      objectId: i.day,
      data: { kind: i.kind, note: i.note },
    });
  });
}

/** A year of the tenant's calendar: every non-default day (holidays, 调休 and the tenant's edits). */
export async function calendarYear(ctx: PortalCtx, year: number) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const cal = await tenantCalendar(tx);
    const edits = await tx.select().from(portalCalendarDays).orderBy(asc(portalCalendarDays.day));
    const days: { day: string; working: boolean; edited: boolean; note: string }[] = [];
    for (let d = `${year}-01-01`; d <= `${year}-12-31`; ) {
      const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const working = cal.isWorkingDay(d);
      const edit = edits.find((e) => e.day === d);
      if (working === weekend || edit) {
        days.push({ day: d, working, edited: !!edit, note: edit?.note ?? "" });
      }
      d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
    return days;
  });
}
