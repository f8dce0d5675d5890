/**
 * The frozen document of an issued invoice or credit note: what the JSON rendering returns and the
 * PDF draws. Built once on issue and stored as the snapshot, so a later catalog or tenant change
 * never alters it.
 */
export interface DocumentLine {
  position: number;
  kind: string;
  description: string;
  quantity: string;
  unitPriceFen: string;
  amountFen: number;
  taxRateBp: number;
  taxFen: number;
}

export interface BillingDocument {
  type: "invoice" | "credit_note";
  id: string;
  number: string;
  /** For a credit note: the invoice it corrects. */
  invoiceNumber?: string;
  reason?: string;
  tenant: { id: string; slug: string; name: string };
  seller: { name: string };
  /** First day of the billed month (invoices). */
  period?: string;
  issuedAt: string;
  dueOn?: string;
  currency: "CNY";
  lines: DocumentLine[];
  subtotalFen: number;
  taxFen: number;
  totalFen: number;
}

/** `¥1,234.56` from integer fen (negative amounts keep their sign in front). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

/** Percent from basis points: 600 → "6%", 1350 → "13.5%". */
export const formatRate = (bp: number): string => `${bp / 100}%`;

/** Shown in Asia/Shanghai, stored UTC. */
export function formatShanghai(iso: string): string {
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(iso));
}
