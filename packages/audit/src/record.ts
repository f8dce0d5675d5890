import { newId, ValidationError } from "@zhengyun/core";
import { type Tx, tenantSchema } from "@zhengyun/db";
import { z } from "zod";

const text = (max: number) => z.string().min(1).max(max);
const MAX_DATA_BYTES = 64 * 1024;

export const auditRecordSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z]+_[0-9A-Za-z]{8,64}$/)
    .optional(),
  at: z.date().optional(),
  actorId: text(128).nullish(),
  actorRole: text(64).nullish(),
  tenantId: text(128).nullish(),
  action: z.string().regex(/^[a-z][a-z0-9_.:-]{0,99}$/, "action must look like `tenant.create`"),
  objectType: text(64).nullish(),
  objectId: text(256).nullish(),
  result: z.enum(["success", "failure", "denied", "error"]).default("success"),
  ip: z.string().max(64).nullish(),
  // Cut rather than refused: a client-controlled header must not make the audited action fail.
  userAgent: z
    .string()
    .nullish()
    .transform((v) => (v == null ? v : v.slice(0, 512))),
  requestId: text(128).nullish(),
  data: z
    .record(z.string(), z.unknown())
    .nullish()
    .refine((d) => d == null || JSON.stringify(d).length <= MAX_DATA_BYTES, "data is too large"),
});
export type AuditRecord = z.input<typeof auditRecordSchema>;

export function parseRecord(record: AuditRecord): z.output<typeof auditRecordSchema> {
  const r = auditRecordSchema.safeParse(record);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(
      `invalid audit record: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return r.data;
}

/**
 * Appends one record in the caller's transaction: withTenant's (the tenant's schema) or
 * withPlatform's (platform.audit_log); the table resolves through that transaction's search_path.
 * It shares the action's fate: a rollback removes it, and a failed insert fails the action.
 * Returns the record id.
 */
export async function writeAudit(tx: Tx, record: AuditRecord): Promise<string> {
  const r = parseRecord(record);
  const id = r.id ?? newId("aud");
  await tx.insert(tenantSchema.auditLog).values({
    id,
    ...(r.at ? { at: r.at } : {}),
    actorId: r.actorId ?? null,
    actorRole: r.actorRole ?? null,
    tenantId: r.tenantId ?? null,
    action: r.action,
    objectType: r.objectType ?? null,
    objectId: r.objectId ?? null,
    result: r.result,
    ip: r.ip ?? null,
    userAgent: r.userAgent ?? null,
    requestId: r.requestId ?? null,
    data: r.data ?? null,
  });
  return id;
}

export type AuditBatchRecord = Omit<AuditRecord, "data"> & {
  /** What the batch did, e.g. `{ rows: 120, created: 118, rejected: 2 }`. */
  counts: Record<string, number>;
  /** The batch's input as received (file bytes or text); only its SHA-256 digest is kept. */
  input: Uint8Array | string;
  data?: Record<string, unknown>;
};

/** A batch operation is one record carrying its counts and the SHA-256 digest of its input. */
export async function auditBatch(tx: Tx, record: AuditBatchRecord): Promise<string> {
  const { counts, input, data, ...rest } = record;
  const bad = Object.entries(counts).find(([, n]) => !Number.isInteger(n) || n < 0);
  if (bad) throw new ValidationError(`batch count ${bad[0]} must be a non-negative integer`);
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const inputSha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  return writeAudit(tx, {
    ...rest,
    data: { ...data, counts, inputSha256, inputBytes: bytes.byteLength },
  });
}
