import { DomainError, newId } from "@zhengyun/core";
import { query } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { type BatchReport, json, type Pending, type Reject, settleChunk } from "./batch-chunk.ts";
import { parseBatch } from "./batch-parse.ts";
import { claimSchema } from "./claim.ts";
import type { MiCtx } from "./context.ts";
import { parseNationalId } from "./national-id.ts";

export type { BatchReport } from "./batch-chunk.ts";

/** Claims per transaction. */
export const BATCH_CHUNK = 5000;
/** Claims in one file; more is refused (413) before anything is written. */
export const BATCH_MAX_CLAIMS = 50_000;
/**
 * The batch route's own body limit (the app-wide one, 1 MiB by default, holds about 3,000 claims):
 * BATCH_MAX_CLAIMS claims at about 670 bytes each. A typical JSON-lines claim with three lines is
 * about 330 bytes; a file of fewer claims may carry longer ones.
 */
export const BATCH_BODY_LIMIT = 32 * 1024 * 1024;

/**
 * Imports and settles a day's claims set-based. Claims are validated, their persons resolved to
 * ids in one query, and split into `lanes` person-disjoint streams (a person's claims all go to
 * one lane, in file order) that run concurrently, each chunk of `chunkSize` claims in its own
 * transaction with a fixed number of statements (see settleChunk). Since settlements of different
 * persons never interact, the result equals settling the claims one by one in file order. Rejected
 * lines are reported and nothing is written for them.
 */
export async function settleBatch(
  ctx: MiCtx,
  text: string,
  format: "jsonl" | "csv",
  opts: { chunkSize?: number; lanes?: number } = {},
): Promise<BatchReport> {
  const lines = parseBatch(text, format);
  if (lines.length > BATCH_MAX_CLAIMS) {
    throw new DomainError(
      "payload_too_large",
      `A batch holds at most ${BATCH_MAX_CLAIMS} claims, got ${lines.length}`,
    );
  }
  const batchId = newId("mib");
  const report: BatchReport = {
    batchId,
    lines: lines.length,
    settled: 0,
    rejected: 0,
    medfeeSumamt: 0,
    fundPaySumamt: 0,
    errors: [],
  };
  const reject: Reject = (l, path, message) => {
    report.rejected++;
    report.errors.push({
      line: l.line,
      ...(l.ref ? { ref: l.ref } : {}),
      errors: [{ path, message }],
    });
  };
  const valid: Pending[] = [];
  const refs = new Set<string>();
  for (const l of lines) {
    if (l.error) {
      reject(l, "", l.error);
      continue;
    }
    const r = claimSchema.safeParse(l.input);
    if (!r.success) {
      report.rejected++;
      report.errors.push({
        line: l.line,
        ...(l.ref ? { ref: l.ref } : {}),
        errors: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    } else if (r.data.externalRef && refs.has(r.data.externalRef)) {
      reject(l, "externalRef", "repeated in this file");
    } else {
      if (r.data.externalRef) refs.add(r.data.externalRef);
      valid.push({
        line: l.line,
        ...(l.ref ? { ref: l.ref } : {}),
        ...(l.raw ? { raw: l.raw } : {}),
        claim: r.data,
        personId: r.data.personId ?? null,
      });
    }
  }
  await resolveNationalIds(ctx, valid);
  // PGlite has one connection: lanes would only queue behind each other there.
  const laneCount = ctx.db.driver === "pglite" ? 1 : Math.max(1, opts.lanes ?? 2);
  const lanes: Pending[][] = Array.from({ length: laneCount }, () => []);
  for (const p of valid) lanes[p.personId ? laneOf(p.personId, laneCount) : 0]?.push(p);
  const size = opts.chunkSize ?? BATCH_CHUNK;
  const runs = await Promise.allSettled(
    lanes.map(async (claims, lane) => {
      for (let i = 0; i < claims.length; i += size) {
        await withTenant(ctx.db, ctx.tenant, (tx) =>
          settleChunk(tx, ctx, claims.slice(i, i + size), `${lane}.${i / size}`, report, reject),
        );
      }
    }),
  );
  const failed = runs.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

/**
 * Claims naming a person by national ID get the person's id, in one read for the whole file (ids
 * never change, so no lock is needed here; the chunk locks the person). Unknown ones stay null.
 */
async function resolveNationalIds(ctx: MiCtx, claims: Pending[]): Promise<void> {
  const wanted = new Map<Pending, string>();
  for (const p of claims) {
    if (p.personId) continue;
    try {
      wanted.set(p, parseNationalId(p.claim.nationalId ?? "").id);
    } catch {
      // An invalid ID names nobody: the chunk rejects the claim as "not insured here".
    }
  }
  if (wanted.size === 0) return;
  const rows = await withTenant(ctx.db, ctx.tenant, (tx) =>
    query<{ id: string; national_id: string }>(
      tx,
      sql`select id, national_id from mi_persons
      where national_id = any(array(select jsonb_array_elements_text(${json([...new Set(wanted.values())])})))`,
    ),
  );
  const idOf = new Map(rows.map((r) => [r.national_id, r.id]));
  for (const [p, nid] of wanted) p.personId = idOf.get(nid) ?? null;
}

/** A stable lane per person (FNV-1a of the id). */
function laneOf(id: string, lanes: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % lanes;
}
