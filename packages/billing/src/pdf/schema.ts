import { z } from "@hono/zod-openapi";

/** The frozen document as the API returns it (the JSON rendering). */
export const billingDocumentSchema = z
  .object({
    type: z.enum(["invoice", "credit_note"]),
    id: z.string(),
    number: z.string(),
    invoiceNumber: z.string().optional(),
    reason: z.string().optional(),
    tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    seller: z.object({ name: z.string() }),
    period: z.string().optional(),
    issuedAt: z.string(),
    dueOn: z.string().optional(),
    currency: z.literal("CNY"),
    lines: z.array(
      z.object({
        position: z.number().int(),
        kind: z.string(),
        description: z.string(),
        quantity: z.string(),
        unitPriceFen: z.string(),
        amountFen: z.number().int(),
        taxRateBp: z.number().int(),
        taxFen: z.number().int(),
      }),
    ),
    subtotalFen: z.number().int(),
    taxFen: z.number().int(),
    totalFen: z.number().int(),
  })
  .openapi("BillingDocument");
