import { writeAudit } from "@zhengyun/audit";
import { NotFoundError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type PortalCtx, parse } from "./context.ts";
import { itemTypes, type PortalItem, portalItems } from "./schema.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

/** Main item → sub-item → handling item: dotted segments, e.g. `000172001.01.003`. */
const itemCode = z.string().regex(/^[0-9A-Za-z]{1,32}(\.[0-9A-Za-z]{1,16}){0,2}$/);

export const materialSchema = z.object({
  name: text(200),
  form: z.enum(["original", "copy"]),
  copies: z.number().int().min(1).max(20),
  required: z.boolean(),
  sampleUrl: z.url().max(2000).nullish(),
});

export const itemInput = z
  .object({
    code: itemCode,
    parentCode: itemCode.nullish(),
    name: text(200),
    type: z.enum(itemTypes),
    implementingBody: text(200),
    department: text(200),
    legalBasis: text(4000),
    conditions: text(4000),
    materials: z.array(materialSchema).max(100),
    steps: z.array(text(500)).min(1).max(30),
    immediate: z.boolean(),
    legalDays: z.number().int().min(0).max(365),
    promisedDays: z.number().int().min(0).max(365),
    feeFen: z.number().int().min(0).max(1e12).default(0),
    visits: z.number().int().min(0).max(10),
    online: z.boolean(),
    contact: text(200),
    complaints: text(200),
    fields: z
      .array(
        z.object({
          name: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/),
          label: text(100),
          required: z.boolean(),
        }),
      )
      .max(50)
      .default([]),
  })
  .refine((i) => i.promisedDays <= i.legalDays, {
    message: "the promised time limit cannot exceed the legal one",
    path: ["promisedDays"],
  })
  .refine((i) => !i.immediate || i.promisedDays === 0, {
    message: "an immediate item (即办件) has no promised time limit",
    path: ["promisedDays"],
  })
  .refine((i) => !i.parentCode || i.code.startsWith(`${i.parentCode}.`), {
    message: "a sub-item's code extends its parent's",
    path: ["code"],
  });
export type ItemInput = z.input<typeof itemInput>;
export type ItemOut = Omit<PortalItem, "updatedAt">;

const strip = ({ updatedAt: _, ...rest }: PortalItem): ItemOut => rest;

async function upsert(tx: Tx, i: z.output<typeof itemInput>) {
  const row = {
    ...i,
    parentCode: i.parentCode ?? null,
    materials: i.materials.map((m) => ({ ...m, sampleUrl: m.sampleUrl ?? null })),
  };
  await tx
    .insert(portalItems)
    .values(row)
    .onConflictDoUpdate({ target: portalItems.code, set: { ...row, updatedAt: new Date() } });
}

export async function saveItem({
  ctx,
  input,
}: {
  ctx: PortalCtx;
  input: unknown;
}): Promise<ItemOut> {
  const i = parse(itemInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    await upsert(tx, i);
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.item.save",
      objectType: "portal_item",
      objectId: i.code,
      data: { name: i.name, legalDays: i.legalDays, promisedDays: i.promisedDays },
    });
    return strip((await findItem(tx, i.code)) as PortalItem);
  });
}

export async function findItem(tx: Tx, code: string): Promise<PortalItem | undefined> {
  const [row] = await tx.select().from(portalItems).where(eq(portalItems.code, code));
  return row;
}

export async function getItem(ctx: PortalCtx, code: string): Promise<ItemOut> {
  const row = await withTenant(ctx.db, ctx.tenant, (tx) => findItem(tx, code), { readOnly: true });
  if (!row) throw new NotFoundError(`No service item ${code}`);
  return strip(row);
}

/** The catalogue by code; a page of it when `page` is given (the public list), else all of it. */
export async function listItems(
  ctx: PortalCtx,
  page?: { page: number; size: number },
): Promise<ItemOut[]> {
  const rows = await withTenant(
    ctx.db,
    ctx.tenant,
    (tx) => {
      const q = tx.select().from(portalItems).orderBy(asc(portalItems.code));
      return page ? q.limit(page.size).offset((page.page - 1) * page.size) : q;
    },
    { readOnly: true },
  );
  return rows.map(strip);
}

export const catalogueSchema = z.object({
  version: z.literal(1),
  items: z.array(z.unknown()).max(10_000),
});

/** The whole catalogue as JSON: what `importCatalogue` takes back. */
export async function exportCatalogue(ctx: PortalCtx) {
  return { version: 1 as const, items: await listItems(ctx) };
}

/** Imports every item or none: one bad item refuses the whole file, naming each bad item. */
export async function importCatalogue({ ctx, input }: { ctx: PortalCtx; input: unknown }) {
  const file = parse(catalogueSchema, input);
  const items = file.items.map((raw, n) => {
    try {
      return parse(itemInput, raw);
    } catch (e) {
      if (e instanceof Error) e.message = `items.${n}: ${e.message}`;
      throw e;
    }
  });
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    for (const i of items) await upsert(tx, i);
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.catalogue.import",
      objectType: "portal_item",
      objectId: null,
      data: { items: items.length },
    });
    return { imported: items.length };
  });
}
