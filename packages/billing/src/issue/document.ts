import type { Tx } from "@zhengyun/db";
import { platformSchema as p } from "@zhengyun/db";
import { eq } from "drizzle-orm";
import type { BillingDocument, DocumentLine } from "../pdf/view.ts";

/** The vendor as it appears on every document. */
export const SELLER = { name: "政云平台" };

export async function tenantParty(tx: Tx, tenantId: string): Promise<BillingDocument["tenant"]> {
  const [t] = await tx
    .select({ id: p.tenants.id, slug: p.tenants.slug, name: p.tenants.name })
    .from(p.tenants)
    .where(eq(p.tenants.id, tenantId));
  return t ?? { id: tenantId, slug: tenantId, name: tenantId };
}

export const toDocumentLine = (l: {
  position: number;
  kind: string;
  description: string;
  quantity: string;
  unitPriceFen: string;
  amountFen: number;
  taxRateBp: number;
  taxFen: number;
}): DocumentLine => ({
  position: l.position,
  kind: l.kind,
  description: l.description,
  quantity: l.quantity,
  unitPriceFen: l.unitPriceFen,
  amountFen: l.amountFen,
  taxRateBp: l.taxRateBp,
  taxFen: l.taxFen,
});
