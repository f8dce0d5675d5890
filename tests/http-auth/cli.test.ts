import { randomBytes } from "node:crypto";
import { runCli } from "@zhengyun/cli";
import type { Database } from "@zhengyun/db";
import type { Runtime } from "@zhengyun/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { identityFactory } from "../harness/identity.ts";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { authApp, post, readJson, vendorAudit } from "./helpers.ts";

describe.each(drivers())("pnpm cli user/apikey create on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let ids: ReturnType<typeof identityFactory>;
  let t: Tenant;
  let rt: Runtime;

  const cli = async (argv: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const sink = (into: string[]) => ({ write: (s: string) => into.push(s) > 0 });
    const code = await runCli(argv, { rt, stdout: sink(stdout), stderr: sink(stderr) });
    return { code, out: stdout.join("").trimEnd().split("\n"), err: stderr.join("") };
  };

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    ids = identityFactory(db);
    t = await tenants.create();
    // The commands need only the database and the session secret of a runtime.
    rt = { db, secrets: { sessionSecret: "test-secret" } } as unknown as Runtime;
  });
  afterAll(async () => {
    await ids.cleanup([t.id]);
    await tenants.cleanup();
    await db.close();
  });

  it("creates a tenant user whose generated password (last line) signs in; audited by the vendor", async () => {
    const email = `cli-${randomBytes(4).toString("hex")}@example.test`;
    const r = await cli([
      "user",
      "create",
      "--email",
      email,
      "--role",
      "case_officer",
      "--tenant",
      t.slug,
    ]);
    expect(r.code).toBe(0);
    const password = r.out.at(-1) ?? "";
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(r.err).toBe("");
    const id = /created (usr_\S+)/.exec(r.out[0] ?? "")?.[1] ?? "";
    await ids.track(id);
    const { app } = authApp(db, ids.clock);
    const res = await app.request(`/t/${t.slug}/api/v1/auth/sign-in`, post({ email, password }));
    expect(await readJson(res)).toMatchObject({ state: "signed_in" });
    const rec = (await vendorAudit(db)).find((a) => a.objectId === id);
    expect(rec).toMatchObject({ action: "user.create", tenantId: t.id, data: { via: "cli" } });
  });

  it("prints a TOTP enrolment on stderr for vendor staff and tenant admins", async () => {
    const email = `cli-${randomBytes(4).toString("hex")}@example.test`;
    const r = await cli(["user", "create", "--email", email, "--role", "operator"]);
    expect(r.code).toBe(0);
    await ids.track(/created (usr_\S+)/.exec(r.out[0] ?? "")?.[1] ?? "");
    expect(r.err).toMatch(/^otpauth:\/\/totp\/.+secret=/m);
    expect(
      (
        await cli([
          "user",
          "create",
          "--email",
          "x@example.test",
          "--role",
          "operator",
          "--tenant",
          t.slug,
        ])
      ).code,
    ).toBe(2);
    expect(
      (await cli(["user", "create", "--email", "x@example.test", "--role", "case_officer"])).code,
    ).toBe(2);
    expect(
      (await cli(["user", "create", "--email", "x@example.test", "--role", "king"])).code,
    ).toBe(2);
  });

  it("creates an API key (last line) that works once, scoped", async () => {
    const r = await cli([
      "apikey",
      "create",
      t.slug,
      "--scopes",
      "read,open311",
      "--name",
      "311 bridge",
    ]);
    expect(r.code).toBe(0);
    const key = r.out.at(-1) ?? "";
    expect(key).toMatch(/^zy_[a-z0-9]{12}_/);
    const { app } = authApp(db, ids.clock);
    // The key is a valid credential here; /me is for accounts, so a key is refused (403, not 401).
    const res = await app.request(`/t/${t.slug}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(403);
    expect(
      (await vendorAudit(db)).some((a) => a.action === "apikey.create" && a.tenantId === t.id),
    ).toBe(true);
    expect((await cli(["apikey", "create", t.slug, "--scopes", "admin"])).code).toBe(2);
    expect((await cli(["apikey", "create", "no-such-tenant", "--scopes", "read"])).code).toBe(2);
  });
});
