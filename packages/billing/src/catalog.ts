import { writeAudit } from "@zhengyun/audit";
import { newId, ValidationError } from "@zhengyun/core";
import { type Database, platformSchema, type Tx } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, gt, isNull, lt, max, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { type Actor, parseInput } from "./actor.ts";

const { priceVersions, priceMeterRules, taxRates } = platformSchema;

const day = z.iso.date();
const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const decimalFen = z.string().regex(/^\d+(\.\d+)?$/, "a non-negative decimal string of fen");

const ruleSchema = z
  .object({
    meter: z.string().min(1),
    includedQuantity: decimalFen.default("0"),
    model: z.enum(["per_unit", "graduated", "package"]),
    unitPriceFen: decimalFen.optional(),
    tiers: z
      .array(z.object({ upTo: z.number().int().positive().nullable(), unitPriceFen: decimalFen }))
      .optional(),
    packageSize: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .optional(),
    packagePriceFen: fen.optional(),
  })
  .superRefine((r, ctx) => {
    const need = (ok: boolean, path: string, message: string) =>
      ok || ctx.addIssue({ code: "custom", path: [path], message });
    if (r.model === "per_unit") need(r.unitPriceFen !== undefined, "unitPriceFen", "required");
    if (r.model === "package") {
      need(r.packagePriceFen !== undefined, "packagePriceFen", "required");
      need(Number(r.packageSize ?? 0) > 0, "packageSize", "must be positive");
    }
    if (r.model === "graduated") {
      const t = r.tiers ?? [];
      need(
        t.length > 0 && t.at(-1)?.upTo === null,
        "tiers",
        "the last tier must be open (upTo null)",
      );
      need(
        t.every((x, i) => i === 0 || (x.upTo ?? Infinity) > (t[i - 1]?.upTo ?? 0)),
        "tiers",
        "tiers must ascend",
      );
    }
  });

export const priceVersionInput = z
  .object({
    module: z.string().min(1),
    effectiveFrom: day,
    effectiveTo: day.nullable().default(null),
    rental: z.object({ city: fen, district: fen, street: fen }),
    meters: z.array(ruleSchema).default([]),
  })
  .refine((v) => v.effectiveTo === null || v.effectiveTo > v.effectiveFrom, {
    path: ["effectiveTo"],
    message: "must be after effectiveFrom",
  });
export type PriceVersionInput = z.input<typeof priceVersionInput>;

const overlaps = (from: string, to: string | null, cols: { from: AnyPgColumn; to: AnyPgColumn }) =>
  and(to === null ? sql`true` : lt(cols.from, to), or(isNull(cols.to), gt(cols.to, from)));

/** Adds a module's price version; versions of a module may not overlap (400). */
export async function createPriceVersion(
  db: Database,
  input: PriceVersionInput,
  actor: Actor = {},
): Promise<platformSchema.PriceVersion> {
  const v = parseInput(priceVersionInput, input);
  return withPlatform(db, async (tx) => {
    await lockKey(tx, `price:${v.module}`);
    const [clash] = await tx
      .select({ id: priceVersions.id })
      .from(priceVersions)
      .where(
        and(
          eq(priceVersions.module, v.module),
          overlaps(v.effectiveFrom, v.effectiveTo, {
            from: priceVersions.effectiveFrom,
            to: priceVersions.effectiveTo,
          }),
        ),
      );
    if (clash) throw new ValidationError(`Overlaps price version ${clash.id} of ${v.module}`);
    const [last] = await tx
      .select({ n: max(priceVersions.version) })
      .from(priceVersions)
      .where(eq(priceVersions.module, v.module));
    const [row] = await tx
      .insert(priceVersions)
      .values({
        id: newId("prv"),
        module: v.module,
        version: (last?.n ?? 0) + 1,
        effectiveFrom: v.effectiveFrom,
        effectiveTo: v.effectiveTo,
        rentalCityFen: v.rental.city,
        rentalDistrictFen: v.rental.district,
        rentalStreetFen: v.rental.street,
      })
      .returning()
      .catch(foreignKeyAs400("module"));
    if (!row) throw new Error("price version insert returned nothing");
    if (v.meters.length > 0) {
      await tx.insert(priceMeterRules).values(
        v.meters.map((m) => ({
          priceVersionId: row.id,
          meter: m.meter,
          includedQuantity: m.includedQuantity,
          model: m.model,
          unitPriceFen: m.unitPriceFen ?? null,
          tiers: m.tiers ?? null,
          packageSize: m.packageSize ?? null,
          packagePriceFen: m.packagePriceFen ?? null,
        })),
      );
    }
    await writeAudit(tx, {
      ...actor,
      action: "billing.price_version.create",
      objectType: "price_version",
      objectId: row.id,
      data: { module: v.module, from: v.effectiveFrom, to: v.effectiveTo },
    });
    return row;
  });
}

export const taxRateInput = z.object({
  category: z.string().min(1),
  rateBp: z.number().int().min(0).max(10_000),
  effectiveFrom: day,
  effectiveTo: day.nullable().default(null),
});

/** Adds an effective-dated tax rate; rates of one category may not overlap (400). */
export async function setTaxRate(
  db: Database,
  input: z.input<typeof taxRateInput>,
  actor: Actor = {},
): Promise<platformSchema.TaxRate> {
  const v = parseInput(taxRateInput, input);
  return withPlatform(db, async (tx) => {
    await lockKey(tx, `tax:${v.category}`);
    const [clash] = await tx
      .select({ id: taxRates.id })
      .from(taxRates)
      .where(
        and(
          eq(taxRates.category, v.category),
          overlaps(v.effectiveFrom, v.effectiveTo, {
            from: taxRates.effectiveFrom,
            to: taxRates.effectiveTo,
          }),
        ),
      );
    if (clash) throw new ValidationError(`Overlaps tax rate ${clash.id}; end it first`);
    const [row] = await tx
      .insert(taxRates)
      .values({ id: newId("txr"), ...v })
      .returning()
      .catch(foreignKeyAs400("category"));
    if (!row) throw new Error("tax rate insert returned nothing");
    await writeAudit(tx, {
      ...actor,
      action: "billing.tax_rate.create",
      objectId: row.id,
      data: v,
    });
    return row;
  });
}

export async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`zhengyun:billing:${key}`}))`);
}

/** An unknown module or category (a foreign key) is bad input, not a server error. */
export const foreignKeyAs400 =
  (field: string) =>
  (e: unknown): never => {
    const code =
      (e as { code?: string; cause?: { code?: string } }).cause?.code ??
      (e as { code?: string }).code;
    if (code === "23503")
      throw new ValidationError(`Unknown ${field}`, [{ path: field, message: "unknown" }]);
    throw e;
  };
