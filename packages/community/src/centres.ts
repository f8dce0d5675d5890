import { writeAudit } from "@zhengyun/audit";
import { NotFoundError, newId, ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { auditActor, type CsCtx, parse } from "./context.ts";
import { areaContains } from "./geo.ts";
import { type CentreLevel, type CentreRow, centreLevels, csCentres, csStaff } from "./schema.ts";

const areaSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("radius"),
    lat: z.number().min(-90).max(90),
    long: z.number().min(-180).max(180),
    meters: z.number().positive(),
  }),
  z.object({
    type: z.literal("polygon"),
    points: z.array(z.tuple([z.number(), z.number()])).min(3),
  }),
]);

export const centreInput = z.object({
  parentId: z.string().nullish(),
  level: z.enum(centreLevels),
  name: z.string().trim().min(1).max(200),
  address: z.string().max(500).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  long: z.number().min(-180).max(180).nullish(),
  openingHours: z.string().max(500).nullish(),
  contact: z.string().max(200).nullish(),
  area: areaSchema.nullish(),
});
export type CentreInput = z.input<typeof centreInput>;

const depth = (level: CentreLevel) => centreLevels.indexOf(level);

/** A centre sits one level below its parent; only the top centre has no parent. */
export async function createCentre({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(centreInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const id = newId("csc");
    let path = `/${id}/`;
    if (i.parentId) {
      const [parent] = await tx.select().from(csCentres).where(eq(csCentres.id, i.parentId));
      if (!parent) throw new NotFoundError(`No centre ${i.parentId}`);
      if (depth(i.level) !== depth(parent.level) + 1) {
        throw new ValidationError(`A ${i.level} centre cannot sit under a ${parent.level} centre`, [
          { path: "level", message: `expected ${centreLevels[depth(parent.level) + 1]}` },
        ]);
      }
      path = `${parent.path}${id}/`;
    }
    const [row] = await tx
      .insert(csCentres)
      .values({ ...i, id, path, parentId: i.parentId ?? null })
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.centre.create",
      objectType: "cs_centre",
      objectId: id,
      data: { level: i.level, parentId: i.parentId ?? null },
    });
    return row as CentreRow;
  });
}

export async function assignStaff({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(z.object({ userId: z.string().min(1), centreId: z.string().min(1) }), input);
  await withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [centre] = await tx.select().from(csCentres).where(eq(csCentres.id, i.centreId));
    if (!centre) throw new NotFoundError(`No centre ${i.centreId}`);
    await tx.insert(csStaff).values(i).onConflictDoNothing();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.staff.assign",
      objectType: "cs_centre",
      objectId: i.centreId,
      data: { userId: i.userId },
    });
  });
}

export const allCentres = (tx: Tx): Promise<CentreRow[]> =>
  tx.select().from(csCentres).orderBy(asc(csCentres.createdAt), asc(csCentres.id));

/** The path prefixes a staff member may see: their centres and everything below them. */
export async function staffPaths(tx: Tx, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ path: csCentres.path })
    .from(csStaff)
    .innerJoin(csCentres, eq(csCentres.id, csStaff.centreId))
    .where(eq(csStaff.userId, userId));
  return rows.map((r) => r.path);
}

export const inPaths = (paths: string[], path: string): boolean =>
  paths.some((p) => path.startsWith(p));

/** The centres a staff member sees (their subtrees), top-down. */
export async function visibleCentres({ ctx, userId }: { ctx: CsCtx; userId: string }) {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const paths = await staffPaths(tx, userId);
    return (await allCentres(tx)).filter((c) => inPaths(paths, c.path));
  });
}

export function topCentre(centres: CentreRow[]): CentreRow {
  const top = centres.find((c) => c.parentId === null);
  if (!top) throw new ValidationError("This tenant has no service centre yet");
  return top;
}

/**
 * The responsible centre: the deepest centre whose area holds the point, then its ancestor at the
 * service's level (or itself when it sits above that level). Outside every area, or with no
 * coordinates, the tenant's top centre takes the request.
 */
export function routeCentre(
  centres: CentreRow[],
  level: CentreLevel,
  lat: number | null | undefined,
  long: number | null | undefined,
): CentreRow {
  if (lat == null || long == null) return topCentre(centres);
  const hits = centres.filter((c) => c.area && areaContains(c.area, lat, long));
  hits.sort((a, b) => depth(b.level) - depth(a.level));
  const deepest = hits[0];
  if (!deepest) return topCentre(centres);
  if (depth(deepest.level) <= depth(level)) return deepest;
  const byId = new Map(centres.map((c) => [c.id, c]));
  const ancestors = deepest.path.split("/").flatMap((id) => byId.get(id) ?? []);
  return ancestors.find((c) => c.level === level) ?? deepest;
}

export function parentOf(centres: CentreRow[], centre: CentreRow): CentreRow | undefined {
  return centre.parentId ? centres.find((c) => c.id === centre.parentId) : undefined;
}

/** A tenant admin edits a centre's public details (its place in the tree stays). */
export async function updateCentre({ ctx, input }: { ctx: CsCtx; input: unknown }) {
  const i = parse(
    centreInput
      .pick({ name: true, address: true, openingHours: true, contact: true, lat: true, long: true })
      .partial()
      .extend({ id: z.string().min(1) })
      .refine((o) => Object.keys(o).length > 1, { message: "nothing to change", path: ["name"] }),
    input,
  );
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const { id, ...fields } = i;
    const [row] = await tx.update(csCentres).set(fields).where(eq(csCentres.id, id)).returning();
    if (!row) throw new NotFoundError(`No centre ${id}`);
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "cs.centre.update",
      objectType: "cs_centre",
      objectId: id,
    });
    return row;
  });
}
