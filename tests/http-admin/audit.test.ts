// First: metering builds its zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sealChain, writeAudit } from "@zhengyun/audit";
import type { Database } from "@zhengyun/db";
import { openPglite, prepareDatabase } from "@zhengyun/db/node";
import { withPlatform } from "@zhengyun/tenancy";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliEnv, runCli } from "../cli/run-cli.ts";
import { drivers, type Tenant, tenantFactory } from "../harness/index.ts";
import { openScratchDatabase } from "../harness/scratch-database.ts";
import { readJson } from "../http/helpers.ts";
import {
  AUDIT_KEY,
  adminApp,
  auditRows,
  oldRecord,
  type People,
  req,
  type SignedIn,
  signedIn,
  staffFactory,
} from "./helpers.ts";

const DAY = 86_400_000;
const key = { secret: AUDIT_KEY, algorithm: "sha256" as const };

// Its own database: purging and sealing the vendor chain with this suite's key must not meet others.
describe.each(drivers())("audit for auditors over HTTP on %s", (driver) => {
  let db: Database;
  let url: string | undefined;
  let drop: () => Promise<void>;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let app: ReturnType<typeof adminApp>;
  let a: Tenant;
  let b: Tenant;
  const who: Record<string, SignedIn> = {};
  const now = Date.now();
  const window = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;

  beforeAll(async () => {
    ({ db, url, drop } = await openScratchDatabase(driver));
    tenants = tenantFactory(db);
    people = staffFactory(db);
    app = adminApp(db, people.clock);
    a = await tenants.create();
    b = await tenants.create();
    // Old records first, so they lead the chain (purge removes a sealed prefix).
    for (const d of [400, 300]) await oldRecord(db, a, new Date(now - d * DAY));
    for (let i = 0; i < 5; i++) {
      await oldRecord(db, a, new Date(), { actorId: "usr_x", objectId: `case-${i}` });
    }
    for (let i = 0; i < 2; i++) {
      await oldRecord(db, a, new Date(), { actorId: "usr_y", action: "case.close" });
    }
    await withPlatform(db, (tx) => writeAudit(tx, { action: "tenant.create", actorId: "usr_op" }));
    for (const [name, role, t] of [
      ["auditorA", "tenant_auditor", a],
      ["auditorB", "tenant_auditor", b],
      ["auditAdmin", "audit_admin", null],
      ["operator", "operator", null],
      ["vendorSec", "security_admin", null],
      ["secA", "tenant_security_admin", a],
      ["adminA", "tenant_admin", a],
    ] as const) {
      who[name] = await signedIn(people, role, t?.id ?? null);
    }
  });
  afterAll(async () => {
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await drop();
  });

  const get = (path: string, as: string) => app.request(path, req("GET", who[as]));
  const tenantAudit = (t: Tenant, q = "") => `/t/${t.slug}/api/v1/audit?${window}${q}`;

  it("lets a tenant auditor page through its chain by time, actor and action", async () => {
    const first = await readJson(
      await get(tenantAudit(a, "&limit=4&action=case.update"), "auditorA"),
    );
    expect(first.items).toHaveLength(4);
    expect(first.nextCursor).toBeTruthy();
    const second = await readJson(
      await get(
        tenantAudit(a, `&limit=4&action=case.update&cursor=${first.nextCursor}`),
        "auditorA",
      ),
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((e: { objectId: string }) => e.objectId);
    expect(ids).toEqual(["case-0", "case-1", "case-2", "case-3", "case-4"]);
    const byActor = await readJson(await get(tenantAudit(a, "&actorId=usr_y"), "auditorA"));
    expect(byActor.items.map((e: { action: string }) => e.action)).toEqual([
      "case.close",
      "case.close",
    ]);
    // The window leaves the old rows out; a wide one includes them.
    const all = await readJson(
      await get(
        `/t/${a.slug}/api/v1/audit?from=2020-01-01T00:00:00Z&action=case.update`,
        "auditorA",
      ),
    );
    expect(all.items).toHaveLength(7);
    expect((await get(tenantAudit(a), "auditorB")).status).toBe(404);
    expect((await get(tenantAudit(a, "&limit=0"), "auditorA")).status).toBe(400);
    const backwards = `/t/${a.slug}/api/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`;
    expect((await get(backwards, "auditorA")).status).toBe(400);
  });

  it("lets the vendor audit admin browse the vendor chain", async () => {
    const page = await readJson(
      await get(`/api/v1/audit?${window}&action=tenant.create`, "auditAdmin"),
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ actorId: "usr_op", tenantId: null });
  });

  it("refuses audit to operators, security admins, tenant admins and the other side's auditor", async () => {
    for (const as of ["operator", "vendorSec", "secA", "adminA", "auditorA"]) {
      expect((await get(`/api/v1/audit?${window}`, as)).status, as).toBe(403);
      const purge = req("POST", who[as], { before: "2020-01-01T00:00:00Z" });
      expect((await app.request("/api/v1/audit/purge", purge)).status, as).toBe(403);
    }
    for (const as of ["operator", "vendorSec", "secA", "adminA", "auditAdmin"]) {
      expect((await get(tenantAudit(a), as)).status, as).toBe(403);
      const purge = req("POST", who[as], { before: "2020-01-01T00:00:00Z" });
      expect((await app.request(`/t/${a.slug}/api/v1/audit/purge`, purge)).status, as).toBe(403);
    }
    expect((await app.request(tenantAudit(a), req("GET", undefined))).status).toBe(401);
  });

  it("streams exports as CSV and JSON lines, and records each export", async () => {
    const csv = await get(tenantAudit(a, "&format=csv&action=case.update"), "auditorA");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toContain(`audit-${a.slug}-`);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^seq,id,at,actorId,/);
    expect(lines).toHaveLength(6);
    const jsonl = await get(tenantAudit(a, "&format=jsonl&actorId=usr_y"), "auditorA");
    expect(jsonl.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const rows = (await jsonl.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.action)).toEqual(["case.close", "case.close"]);
    const exports = await auditRows(db, a, "audit.export");
    expect(exports).toHaveLength(2);
    expect(exports[0]).toMatchObject({ actorId: who.auditorA?.id, actorRole: "tenant_auditor" });
    expect(exports[1]?.data).toMatchObject({ format: "jsonl", actorId: "usr_y" });
  });

  it("purges only rows older than 180 days, as an audited act", async () => {
    const path = `/t/${a.slug}/api/v1/audit/purge`;
    const recent = req("POST", who.auditorA, { before: new Date(now - 100 * DAY).toISOString() });
    expect((await app.request(path, recent)).status).toBe(400);
    const res = await app.request(
      path,
      req("POST", who.auditorA, { before: new Date(now - 200 * DAY).toISOString() }),
    );
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ purged: 2, anchorPosition: 2 });
    const [purge] = await auditRows(db, a, "audit.purge");
    expect(purge).toMatchObject({
      actorId: who.auditorA?.id,
      actorRole: "tenant_auditor",
      userAgent: "http-admin-test",
      data: { purged: 2 },
    });
    const left = await readJson(
      await get(
        `/t/${a.slug}/api/v1/audit?from=2020-01-01T00:00:00Z&action=case.update`,
        "auditorA",
      ),
    );
    expect(left.items).toHaveLength(5);
    const vendor = await app.request(
      "/api/v1/audit/purge",
      req("POST", who.auditAdmin, { before: new Date(now - 200 * DAY).toISOString() }),
    );
    expect(await readJson(vendor)).toMatchObject({ purged: 0 });
    expect(await auditRows(db, "vendor", "audit.purge")).toHaveLength(1);
  });

  it("makes `pnpm cli audit verify` exit 1 on a tampered chain, naming the first broken link", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zy-audit-cli-"));
    try {
      // The embedded CLI opens its own data directory; Postgres runs share this suite's database.
      const target = driver === "pglite" ? await openPglite(join(dir, "pglite")) : db;
      if (driver === "pglite") await prepareDatabase(target);
      const factory = tenantFactory(target);
      const t = await factory.create();
      for (let i = 0; i < 3; i++) await oldRecord(target, t, new Date(), { objectId: `c-${i}` });
      await sealChain(target, t, key);
      await target.orm.execute(
        sql.raw(`update ${t.schemaName}.audit_log set object_id = 'forged' where chain_pos = 2`),
      );
      if (driver === "pglite") await target.close();
      const env = { ...cliEnv(dir, url ?? ""), AUDIT_HMAC_KEY: AUDIT_KEY };
      const r = await runCli(["audit", "verify"], env);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ok {6}vendor: /m);
      expect(r.stdout).toContain(`BROKEN  ${t.slug}: position 2`);
      expect(r.stdout).toContain("modified");
      if (driver === "postgres") await factory.cleanup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
