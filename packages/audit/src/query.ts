import { ValidationError } from "@zhengyun/core";
import { type Tx, tenantSchema } from "@zhengyun/db";
import { and, asc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";

const log = tenantSchema.auditLog;

export const auditQuerySchema = z
  .strictObject({
    from: z.coerce.date(),
    to: z.coerce.date(),
    actorId: z.string().min(1).max(128).optional(),
    action: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z
      .string()
      .regex(/^[0-9]{1,19}$/, "invalid cursor")
      .optional(),
  })
  .refine((q) => q.from < q.to, { message: "from must be before to", path: ["from"] });
export type AuditQuery = z.input<typeof auditQuerySchema>;

export interface AuditEntry {
  seq: string;
  id: string;
  at: Date;
  actorId: string | null;
  actorRole: string | null;
  tenantId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  result: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: unknown;
  chainPos: string | null;
  hash: string | null;
  sealedAt: Date | null;
}

function parse(q: AuditQuery) {
  const r = auditQuerySchema.safeParse(q);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  }
  return r.data;
}

/**
 * One page of a chain's records in [from, to), oldest first, in the caller's transaction
 * (withTenant for a tenant's log, withPlatform for the vendor's).
 */
export async function queryAudit(
  tx: Tx,
  q: AuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const p = parse(q);
  const where: SQL[] = [gte(log.at, p.from), lt(log.at, p.to)];
  if (p.actorId) where.push(eq(log.actorId, p.actorId));
  if (p.action) where.push(eq(log.action, p.action));
  if (p.cursor) where.push(gt(log.seq, BigInt(p.cursor)));
  const rows = await tx
    .select()
    .from(log)
    .where(and(...where))
    .orderBy(asc(log.seq))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  const items = page.map(
    ({ xid: _xid, seq, chainPos, ...r }): AuditEntry => ({
      ...r,
      seq: seq.toString(),
      chainPos: chainPos?.toString() ?? null,
    }),
  );
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > p.limit && last ? last.seq : null };
}

/** Every matching record, page by page; consume it inside the transaction that was passed in. */
export async function* allAudit(tx: Tx, q: Omit<AuditQuery, "cursor">): AsyncGenerator<AuditEntry> {
  let cursor: string | undefined;
  do {
    const page = await queryAudit(tx, { ...q, limit: 1000, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

const COLUMNS = [
  "seq",
  "id",
  "at",
  "actorId",
  "actorRole",
  "tenantId",
  "action",
  "objectType",
  "objectId",
  "result",
  "ip",
  "userAgent",
  "requestId",
  "data",
  "chainPos",
  "hash",
  "sealedAt",
] as const satisfies readonly (keyof AuditEntry)[];

function cell(v: unknown): string {
  if (v == null) return "";
  let s =
    v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  // Spreadsheets run cells starting with these as formulas (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** RFC 4180 CSV with a header row, CRLF line ends. */
export async function* exportAuditCsv(
  tx: Tx,
  q: Omit<AuditQuery, "cursor">,
): AsyncGenerator<string> {
  yield `${COLUMNS.join(",")}\r\n`;
  for await (const e of allAudit(tx, q)) yield `${COLUMNS.map((c) => cell(e[c])).join(",")}\r\n`;
}

/** JSON lines: one record per line, times in ISO 8601 UTC; exact, unlike the CSV's cells. */
export async function* exportAuditJsonl(
  tx: Tx,
  q: Omit<AuditQuery, "cursor">,
): AsyncGenerator<string> {
  for await (const e of allAudit(tx, q)) yield `${JSON.stringify(e)}\n`;
}

/** Joins an export's chunks into one string (for small exports and tests). */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const c of chunks) out += c;
  return out;
}
