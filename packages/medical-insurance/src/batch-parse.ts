import { ValidationError } from "@zhengyun/core";
import { parseCsv } from "./csv.ts";

export interface BatchLine {
  line: number;
  ref?: string;
  input: unknown;
  /** The line as received (JSON lines): what the batch's audit record digests. */
  raw?: string;
  error?: string;
}

/**
 * A day's settlements from institutions. JSON lines: one claim object per line. CSV: one row per
 * line item, rows sharing `ref` form one claim (columns ref, person_id or national_id,
 * institution_code, visit_type, date, code, class, quantity, unit_price, use_account).
 */
export function parseBatch(text: string, format: "jsonl" | "csv"): BatchLine[] {
  if (format === "jsonl") {
    const out: BatchLine[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === "") return;
      try {
        const input = JSON.parse(raw) as { externalRef?: string };
        const ref = input?.externalRef ? { ref: input.externalRef } : {};
        out.push({ line: i + 1, input, raw, ...ref });
      } catch {
        out.push({ line: i + 1, input: null, error: "not valid JSON" });
      }
    });
    return out;
  }
  const rows = parseCsv(text);
  if (rows.length > 0 && !("ref" in (rows[0]?.record ?? {}))) {
    throw new ValidationError("The CSV needs a ref column", [{ path: "file", message: "no ref" }]);
  }
  const claims = new Map<string, BatchLine & { input: Record<string, unknown> }>();
  for (const { line, record: r } of rows) {
    const ref = r.ref ?? "";
    let claim = claims.get(ref);
    if (!claim) {
      claim = {
        line,
        ref,
        input: {
          externalRef: ref || undefined,
          ...(r.person_id ? { personId: r.person_id } : {}),
          ...(r.national_id ? { nationalId: r.national_id } : {}),
          institutionCode: r.institution_code,
          visitType: r.visit_type,
          date: r.date,
          useAccount: r.use_account === "true" || r.use_account === "1",
          items: [],
        },
      };
      claims.set(ref, claim);
    }
    (claim.input.items as unknown[]).push({
      code: r.code,
      class: r.class,
      quantity: Number(r.quantity),
      unitPrice: Number(r.unit_price),
    });
  }
  return [...claims.values()];
}
