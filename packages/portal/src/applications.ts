import { writeAudit } from "@zhengyun/audit";
import { humanCode, NotFoundError, ValidationError, type WorkingCalendar } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { asc, desc, eq, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { tenantCalendar } from "./calendar.ts";
import { findItem } from "./catalogue.ts";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import { openPaymentOrder } from "./fees.ts";
import { acceptMaterial, type MaterialStore } from "./materials.ts";
import {
  type AttachedMaterial,
  type PortalApplication,
  portalApplicationEvents,
  portalApplications,
} from "./schema.ts";

/** 一次性告知 must come within 5 working days of receipt, or the application counts as accepted. */
export const NOTICE_WINDOW_DAYS = 5;

export const applyInput = z.object({
  itemCode: z.string().min(1).max(64),
  applicantName: z.string().trim().min(1).max(100),
  form: z.record(z.string(), z.string().max(2000)).default({}),
  /** Uploads still in quarantine (`quarantine/upl_…`), each named after a catalogue material. */
  materials: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        upload: z.string().regex(/^quarantine\/upl_[0-9A-Za-z]+$/),
      }),
    )
    .max(50)
    .default([]),
});
export type ApplyInput = z.input<typeof applyInput>;

export async function addEvent(
  tx: Tx,
  e: {
    applicationId: number;
    state: PortalApplication["state"];
    action: string;
    note?: string;
    data?: Record<string, unknown>;
    actorId?: string | null;
    at: Date;
  },
) {
  await tx
    .insert(portalApplicationEvents)
    .values({ ...e, note: e.note ?? "", data: e.data ?? {}, actorId: e.actorId ?? null });
}

/** Uploads are checked (type by content, size) and moved out of quarantine before anything is written. */
export async function acceptUploads(
  store: MaterialStore | undefined,
  tenantId: string,
  list: { name: string; upload: string }[],
) {
  if (list.length > 0 && !store) throw new ValidationError("File uploads are not configured");
  const out: AttachedMaterial[] = [];
  for (const [n, m] of list.entries()) {
    try {
      const a = await acceptMaterial(store as MaterialStore, tenantId, m.upload);
      out.push({ name: m.name, key: a.key, contentType: a.contentType, size: a.size });
    } catch (e) {
      // Names the refused material, so a form can show the error beside its file field.
      if (e instanceof ValidationError)
        throw new ValidationError(`materials.${n}: ${e.message}`, [
          { path: `materials.${n}`, message: e.message },
        ]);
      throw e;
    }
  }
  return out;
}

/** A citizen applies: form checked against the item, uploads accepted, tracking number issued. */
export async function submitApplication({
  ctx,
  input,
  store,
}: {
  ctx: PortalCtx;
  input: unknown;
  store?: MaterialStore;
}) {
  const i = parse(applyInput, input);
  if (!ctx.actor) throw new ValidationError("An applicant is required");
  const applicant = ctx.actor;
  // Checked before the uploads are accepted, so a bad request moves no file.
  const item = await withTenant(ctx.db, ctx.tenant, (tx) => findItem(tx, i.itemCode));
  if (!item) throw new NotFoundError(`No service item ${i.itemCode}`);
  if (!item.online) throw new ValidationError(`${item.name} cannot be applied for online`);
  const issues = [
    ...item.fields
      .filter((f) => f.required && !i.form[f.name]?.trim())
      .map((f) => ({ path: `form.${f.name}`, message: `${f.label} is required` })),
    ...Object.keys(i.form)
      .filter((k) => !item.fields.some((f) => f.name === k))
      .map((k) => ({ path: `form.${k}`, message: "unknown field" })),
    ...i.materials
      .filter((m) => !item.materials.some((x) => x.name === m.name))
      .map((m) => ({ path: "materials", message: `${m.name} is not a material of this item` })),
  ];
  if (issues.length)
    throw new ValidationError(issues.map((x) => `${x.path}: ${x.message}`).join("; "), issues);
  const materials = await acceptUploads(store, ctx.tenant.id, i.materials);
  const now = nowOf(ctx);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [row] = await tx
      .insert(portalApplications)
      .values({
        tracking: humanCode(10),
        itemCode: item.code,
        applicantId: applicant.id,
        applicantName: i.applicantName,
        form: i.form,
        materials,
        state: "received",
        receivedAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await addEvent(tx, {
      applicationId: row.id,
      state: "received",
      action: "submit",
      actorId: applicant.id,
      at: now,
    });
    if (item.feeFen > 0) await openPaymentOrder(tx, row.id, item.feeFen, now);
    await recordUsage(tx, {
      meter: "portal.applications",
      quantity: 1,
      eventId: `portal.applications:${row.id}`,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.application.submit",
      objectType: "portal_application",
      objectId: String(row.id),
      data: { itemCode: item.code, tracking: row.tracking, materials: materials.length },
    });
    return row;
  });
}

/**
 * The 5-working-day rule, applied whenever an application is read or acted on and by the sweep:
 * no notice in time means accepted on the day it was received, with the deadline from then.
 */
export async function settleDeemed(
  tx: Tx,
  cal: WorkingCalendar,
  app: PortalApplication,
  now: Date,
) {
  if (app.state !== "received" || now <= cal.deadline(app.receivedAt, NOTICE_WINDOW_DAYS))
    return app;
  const item = await findItem(tx, app.itemCode);
  const dueAt = cal.deadline(app.receivedAt, item?.promisedDays ?? 0);
  const [row] = await tx
    .update(portalApplications)
    .set({
      state: "accepted",
      acceptedAt: app.receivedAt,
      deemedAccepted: true,
      dueAt,
      updatedAt: now,
    })
    .where(eq(portalApplications.id, app.id))
    .returning();
  await addEvent(tx, {
    applicationId: app.id,
    state: "accepted",
    action: "deemed_accepted",
    note: `No notice within ${NOTICE_WINDOW_DAYS} working days`,
    at: now,
  });
  return row ?? app;
}

/** The sweep a job runs: every application past its notice window becomes accepted. */
export async function applyDeemedAcceptance(ctx: PortalCtx): Promise<number> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const cal = await tenantCalendar(tx);
    const now = nowOf(ctx);
    const open = await tx
      .select()
      .from(portalApplications)
      .where(eq(portalApplications.state, "received"));
    let n = 0;
    for (const a of open) if ((await settleDeemed(tx, cal, a, now)) !== a) n++;
    return n;
  });
}

/** One application by id or tracking number: staff see any, a citizen only their own (else 404). */
export async function loadApplication(tx: Tx, ref: string, ctx: PortalCtx, staff: boolean) {
  const byId = /^\d{1,15}$/.test(ref) ? eq(portalApplications.id, Number(ref)) : undefined;
  const where = byId
    ? or(byId, eq(portalApplications.tracking, ref))
    : eq(portalApplications.tracking, ref);
  const [row] = await tx.select().from(portalApplications).where(where);
  if (!row || (!staff && row.applicantId !== ctx.actor?.id))
    throw new NotFoundError(`No application ${ref}`);
  return settleDeemed(tx, await tenantCalendar(tx), row, nowOf(ctx));
}

export async function getApplication(ctx: PortalCtx, ref: string, staff: boolean) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, staff);
    const timeline = await tx
      .select()
      .from(portalApplicationEvents)
      .where(eq(portalApplicationEvents.applicationId, app.id))
      .orderBy(asc(portalApplicationEvents.id));
    return { application: app, timeline };
  });
}

const EXT: Record<string, string> = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
};

/**
 * A short-lived download link for one attached material: staff with case permissions or the
 * applicant (else 404). Opening personal documents is audited.
 */
export async function materialDownload(
  ctx: PortalCtx,
  store: MaterialStore,
  ref: string,
  index: number,
  staff: boolean,
) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, staff);
    const m = app.materials[index];
    if (!m) throw new NotFoundError(`No material ${index} on application ${ref}`);
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.material.read",
      objectType: "portal_application",
      objectId: String(app.id),
      data: { material: m.name },
    });
    const ext = EXT[m.contentType];
    return store.presignDownload(ctx.tenant.id, m.key, {
      filename: ext ? `${m.name}.${ext}` : m.name,
    });
  });
}

/** The signed-in applicant's own applications, newest first. */
export async function myApplications(ctx: PortalCtx) {
  const me = ctx.actor?.id;
  if (!me) return [];
  return withTenant(ctx.db, ctx.tenant, (tx) =>
    tx
      .select()
      .from(portalApplications)
      .where(eq(portalApplications.applicantId, me))
      .orderBy(desc(portalApplications.receivedAt), desc(portalApplications.id))
      .limit(200),
  );
}

const OPEN = ["received", "notice", "accepted", "under_review", "suspended"] as const;

/** The staff queue by deadline; due-soon means within 2 working days, overdue means past it. */
export async function applicationQueue(ctx: PortalCtx) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const cal = await tenantCalendar(tx);
    const now = nowOf(ctx);
    const rows = await tx
      .select()
      .from(portalApplications)
      .where(inArray(portalApplications.state, [...OPEN]));
    const settled = [];
    for (const r of rows) settled.push(await settleDeemed(tx, cal, r, now));
    const soon = cal.deadline(now, 2);
    return settled
      .map((a) => {
        const due =
          a.state === "received" ? cal.deadline(a.receivedAt, NOTICE_WINDOW_DAYS) : a.dueAt;
        const running = a.state !== "suspended" && a.state !== "notice";
        return {
          ...a,
          due,
          overdue: running && !!due && now > due,
          dueSoon: running && !!due && now <= due && due <= soon,
        };
      })
      .sort(
        (x, y) =>
          (x.due?.getTime() ?? Number.MAX_SAFE_INTEGER) -
          (y.due?.getTime() ?? Number.MAX_SAFE_INTEGER),
      );
  });
}
