import { z } from "zod";

/** `YYYY-MM-DD` naming a real day (Date.parse alone accepts February 30). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")
  .refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === d;
  }, "no such date");

const classes = { A: "A", B: "B", C: "C", 甲: "A", 乙: "B", 丙: "C" } as const;

export const lineItemSchema = z.object({
  code: z.string().min(1).max(50),
  /** 甲/乙/丙 or A/B/C. */
  class: z.enum(["A", "B", "C", "甲", "乙", "丙"]).transform((c) => classes[c]),
  quantity: z
    .number()
    .positive("quantity must be positive")
    .max(100000)
    .refine((q) => Math.abs(q * 1000 - Math.round(q * 1000)) < 1e-6, "at most 3 decimals"),
  /** Fen. */
  unitPrice: z.number().int().min(0).max(100000000),
});

/** A settlement request, as an institution submits it (the national interface's psn/mdtrt data). */
export const claimSchema = z
  .object({
    personId: z.string().min(1).max(64).optional(),
    nationalId: z.string().min(1).max(32).optional(),
    institutionCode: z.string().min(1).max(40),
    visitType: z.enum(["outpatient", "inpatient"]),
    date: isoDate,
    items: z.array(lineItemSchema).min(1).max(500),
    /** Pay the personal share from the personal account (employees). */
    useAccount: z.boolean().default(false),
    /** The institution's reference; settling the same reference twice is refused. */
    externalRef: z.string().min(1).max(100).optional(),
  })
  .refine((c) => c.personId !== undefined || c.nationalId !== undefined, {
    path: ["personId"],
    message: "personId or nationalId is required",
  });
export type ClaimInput = z.input<typeof claimSchema>;
export type Claim = z.output<typeof claimSchema>;
