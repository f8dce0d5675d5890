import {
  type AuditEntry,
  collect,
  exportAuditCsv,
  exportAuditJsonl,
  queryAudit,
  writeAudit,
} from "@zhengyun/audit";
import { ValidationError } from "@zhengyun/core";
import type { Database } from "@zhengyun/db";
import { withPlatform, withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openAuditDatabase } from "./database.ts";

const base = new Date("2026-03-01T00:00:00.000Z");
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);
const range = { from: at(0), to: at(1000) };

describe.each(drivers())("audit query and export on %s", (driver) => {
  let db: Database;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;
  let t: Tenant;

  beforeAll(async () => {
    ({ db, drop } = await openAuditDatabase(driver));
    tenants = tenantFactory(db);
    t = await tenants.create();
    await withTenant(db, t, async (tx) => {
      for (let i = 0; i < 25; i++) {
        await writeAudit(tx, {
          at: at(i),
          action: i % 5 === 0 ? "auth.sign_in" : "case.update",
          actorId: i % 2 === 0 ? "usr_even" : "usr_odd",
          actorRole: "case_officer",
          objectId: `case-${i}`,
          ip: "10.1.2.3",
        });
      }
      await writeAudit(tx, {
        at: at(30),
        action: "case.note",
        actorId: "usr_quote",
        userAgent: 'Mozilla/5.0 "quoted", with comma\nand newline',
        objectId: '=HYPERLINK("http://evil")',
        data: { 意见: "同意", n: 1 },
      });
      await writeAudit(tx, { at: at(2000), action: "case.update", actorId: "usr_even" });
    });
  });
  afterAll(async () => {
    await tenants.cleanup();
    await drop();
  });

  it("pages through a time range with a cursor, oldest first", async () => {
    const seen: AuditEntry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await withTenant(db, t, (tx) =>
        queryAudit(tx, { ...range, limit: 10, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(26);
    expect(seen.map((e) => e.objectId).slice(0, 3)).toEqual(["case-0", "case-1", "case-2"]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(26);
  });

  it("filters by actor and action, and on the vendor chain through withPlatform", async () => {
    const byActor = await withTenant(db, t, (tx) =>
      queryAudit(tx, { ...range, actorId: "usr_odd", limit: 100 }),
    );
    expect(byActor.items).toHaveLength(12);
    const signIns = await withTenant(db, t, (tx) =>
      queryAudit(tx, { ...range, action: "auth.sign_in", actorId: "usr_even", limit: 100 }),
    );
    expect(signIns.items.map((e) => e.objectId)).toEqual(["case-0", "case-10", "case-20"]);
    const vendor = await withPlatform(db, async (tx) => {
      const id = await writeAudit(tx, { at: at(5), action: "tenant.create", actorId: t.id });
      const page = await queryAudit(tx, { ...range, actorId: t.id, limit: 5 });
      return { id, page };
    });
    expect(vendor.page.items.map((e) => e.id)).toEqual([vendor.id]);
  });

  it("rejects a bad query with a validation error", async () => {
    for (const q of [
      { from: at(10), to: at(0), limit: 10 },
      { ...range, limit: 0 },
      { ...range, limit: 10, cursor: "1; drop table audit_log" },
    ]) {
      await expect(withTenant(db, t, (tx) => queryAudit(tx, q))).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });

  it("exports CSV with a header, RFC 4180 quoting and no live formulas", async () => {
    const csv = await withTenant(db, t, (tx) =>
      collect(exportAuditCsv(tx, { ...range, actorId: "usr_quote" })),
    );
    const [header, line, end] = csv.split("\r\n");
    expect(header).toBe(
      "seq,id,at,actorId,actorRole,tenantId,action,objectType,objectId,result,ip,userAgent,requestId,data,chainPos,hash,sealedAt",
    );
    expect(line).toContain(
      `,${at(30).toISOString()},usr_quote,,,case.note,,"'=HYPERLINK(""http://evil"")",success,`,
    );
    expect(line).toContain(`"Mozilla/5.0 ""quoted"", with comma\nand newline"`);
    expect(line).toContain(`"{""n"":1,""意见"":""同意""}"`);
    expect(end).toBe("");
  });

  it("exports JSON lines that parse back to the records", async () => {
    const jsonl = await withTenant(db, t, (tx) => collect(exportAuditJsonl(tx, range)));
    const lines = jsonl.trimEnd().split("\n");
    expect(lines).toHaveLength(26);
    const quoted = lines.map((l) => JSON.parse(l)).find((e) => e.actorId === "usr_quote");
    expect(quoted).toMatchObject({
      at: at(30).toISOString(),
      action: "case.note",
      userAgent: 'Mozilla/5.0 "quoted", with comma\nand newline',
      data: { 意见: "同意", n: 1 },
      chainPos: null,
    });
  });
});
