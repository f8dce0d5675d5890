// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import type { Database } from "@zhengyun/db";
import { portalApplications, portalItems, type Verification } from "@zhengyun/portal";
import type { ApplicationView } from "@zhengyun/portal/node";
import { withTenant } from "@zhengyun/tenancy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import { req, type SignedIn, signedIn, staffFactory } from "../http-admin/helpers.ts";
import { licence } from "./fixtures.ts";
import { PNG, portalApp, postUpload, scratchStore } from "./helpers.ts";

type Presigned = { url: string; fields: Record<string, string>; key: string };

describe.each(drivers())("portal over HTTP on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: ReturnType<typeof staffFactory>;
  let s3: Awaited<ReturnType<typeof scratchStore>>;
  let app: ReturnType<typeof portalApp>;
  let a: Tenant;
  let b: Tenant;
  let citizen: SignedIn;
  let other: SignedIn;
  let officer: SignedIn;
  let editor: SignedIn;
  let officerB: SignedIn;
  const base = (t: Tenant) => `/t/${t.slug}/api/v1/portal`;
  const call = (method: string, path: string, who?: SignedIn, body?: unknown) =>
    app.request(path, req(method, who, body));

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    s3 = await scratchStore();
    app = portalApp(db, people.clock, s3.store);
    a = await tenants.create();
    b = await tenants.create();
    citizen = await signedIn(people, "citizen", a.id);
    other = await signedIn(people, "citizen", a.id);
    officer = await signedIn(people, "case_officer", a.id);
    editor = await signedIn(people, "portal_editor", a.id);
    officerB = await signedIn(people, "case_officer", b.id);
    const put = await call("PUT", `${base(a)}/items/000172001.01`, editor, licence());
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await s3.close();
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  const upload = async (who: SignedIn, declared: string, body: Uint8Array) => {
    const res = await call("POST", `${base(a)}/uploads`, who, { contentType: declared });
    expect(res.status).toBe(201);
    return postUpload((await res.json()) as Presigned, declared, body);
  };
  const countApplications = async () =>
    (await withTenant(db, a, (tx) => tx.select().from(portalApplications))).length;

  it("a citizen applies with an upload and tracks it; staff read it; others get 404", async () => {
    const key = await upload(citizen, "image/png", PNG);
    const res = await call("POST", `${base(a)}/applications`, citizen, {
      itemCode: "000172001.01",
      applicantName: "张三",
      form: { shopName: "张记" },
      materials: [{ name: "营业执照", upload: key }],
    });
    expect(res.status).toBe(201);
    const made = (await res.json()) as ApplicationView;
    expect(made.application).toMatchObject({ state: "received", itemCode: "000172001.01" });
    expect(made.application.materials[0]).toMatchObject({
      name: "营业执照",
      contentType: "image/png",
    });
    const id = made.application.id;
    const own = await call("GET", `${base(a)}/applications/${made.application.tracking}`, citizen);
    expect(own.status).toBe(200);
    expect(((await own.json()) as ApplicationView).timeline.map((e) => e.action)).toEqual([
      "submit",
    ]);
    expect((await call("GET", `${base(a)}/applications/${id}`, officer)).status).toBe(200);
    // Another citizen, and staff without case permissions, learn nothing.
    expect((await call("GET", `${base(a)}/applications/${id}`, other)).status).toBe(404);
    expect((await call("GET", `${base(a)}/applications/${id}`, editor)).status).toBe(404);
    expect((await call("GET", `${base(b)}/applications/${id}`, officerB)).status).toBe(404);
  });

  it("refuses an upload whose content does not match its declared type, writing nothing", async () => {
    const before = await countApplications();
    const key = await upload(citizen, "application/pdf", PNG);
    const res = await call("POST", `${base(a)}/applications`, citizen, {
      itemCode: "000172001.01",
      applicantName: "张三",
      form: { shopName: "张记" },
      materials: [{ name: "营业执照", upload: key }],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await countApplications()).toBe(before);
  });

  it("answers invalid input with problem+json and writes nothing", async () => {
    const before = await countApplications();
    for (const body of [
      {},
      { itemCode: "000172001.01", applicantName: "" },
      { itemCode: "000172001.01", applicantName: "李四", form: {} },
    ]) {
      const res = await call("POST", `${base(a)}/applications`, citizen, body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(await countApplications()).toBe(before);
    const bad = await call(
      "PUT",
      `${base(a)}/items/X9`,
      editor,
      licence({ code: "X9", promisedDays: 30 }),
    );
    expect(bad.status).toBe(400);
    const items = await withTenant(db, a, (tx) => tx.select().from(portalItems));
    expect(items.map((i) => i.code)).toEqual(["000172001.01"]);
  });

  it("keeps staff routes from citizens and from other tenants", async () => {
    expect((await call("GET", `${base(a)}/queue`, citizen)).status).toBe(403);
    expect((await call("GET", `${base(a)}/queue`, officerB)).status).toBe(404);
    expect((await call("GET", `${base(a)}/queue`)).status).toBe(401);
    const q = await call("GET", `${base(a)}/queue`, officer);
    expect(q.status).toBe(200);
    expect(((await q.json()) as { items: unknown[] }).items[0]).toMatchObject({
      state: "received",
      overdue: false,
    });
    expect(
      (await call("PUT", `${base(a)}/items/X1`, officer, licence({ code: "X1" }))).status,
    ).toBe(403);
  });

  it("staff notice, citizen corrects, staff approve and issue; anyone verifies", async () => {
    const res = await call("POST", `${base(a)}/applications`, citizen, {
      itemCode: "000172001.01",
      applicantName: "王五",
      form: { shopName: "王记" },
    });
    const { id } = ((await res.json()) as ApplicationView).application;
    const act = (body: unknown) =>
      call("POST", `${base(a)}/applications/${id}/actions`, officer, body);
    expect((await act({ action: "notice", missing: ["营业执照"] })).status).toBe(200);
    expect((await act({ action: "accept" })).status).toBe(409);
    const key = await upload(citizen, "image/png", PNG);
    const fixed = await call("POST", `${base(a)}/applications/${id}/supplement`, citizen, {
      materials: [{ name: "营业执照", upload: key }],
    });
    expect(fixed.status).toBe(200);
    for (const body of [{ action: "accept" }, { action: "review" }, { action: "approve" }]) {
      expect((await act(body)).status).toBe(200);
    }
    const issued = await call("POST", `${base(a)}/applications/${id}/certificate`, officer, {});
    expect(issued.status).toBe(201);
    const cert = (await issued.json()) as Verification;
    const verify = await app.request(`${base(a)}/certificates/${cert.code}/verification`);
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ code: cert.code, status: "valid", holder: "王五" });
    const pdf = await call("GET", `${base(a)}/certificates/${cert.code}/pdf`, citizen);
    expect(pdf.status).toBe(200);
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
    expect((await call("GET", `${base(a)}/certificates/${cert.code}/pdf`, other)).status).toBe(404);
    const revoked = await call("POST", `${base(a)}/certificates/${cert.code}/revocation`, officer, {
      reason: "申请人撤回",
    });
    expect(((await revoked.json()) as Verification).status).toBe("revoked");
    const page = await app.request(`/t/${a.slug}/verify/${cert.code}?lang=en`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Revoked");
    expect((await app.request(`/t/${a.slug}/verify/NOSUCHCODE2345`)).status).toBe(404);
    const unknown = await app.request(`${base(a)}/certificates/NOSUCHCODE2345/verification`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
  });

  it("staff work a case from the console pages; citizens cannot open them", async () => {
    const res = await call("POST", `${base(a)}/applications`, citizen, {
      itemCode: "000172001.01",
      applicantName: "赵六",
      form: { shopName: "赵记" },
    });
    const { id, tracking } = ((await res.json()) as ApplicationView).application;
    const queue = await app.request(`/t/${a.slug}/console/portal/queue`, req("GET", officer));
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain(tracking);
    expect(
      (await app.request(`/t/${a.slug}/console/portal/queue`, req("GET", citizen))).status,
    ).toBe(403);
    const page = `/t/${a.slug}/console/portal/applications/${id}`;
    const form = (action: string) =>
      app.request(page, {
        method: "POST",
        headers: { ...officer.headers, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ action, reason: "", missing: "" }).toString(),
      });
    expect((await form("accept")).status).toBe(303);
    const track = await app.request(`/t/${a.slug}/track/${tracking}`, req("GET", citizen));
    expect(track.status).toBe(200);
    expect(await track.text()).toContain("已受理");
    expect((await app.request(`/t/${a.slug}/track/${tracking}`, req("GET", other))).status).toBe(
      404,
    );
  });

  it("the holiday calendar page shows the arrangements; only a tenant admin edits it", async () => {
    const admin = await signedIn(people, "tenant_admin", a.id);
    const url = `/t/${a.slug}/console/portal/calendar`;
    const edit = (who: SignedIn) =>
      app.request(url, {
        method: "POST",
        headers: { ...who.headers, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ day: "2026-02-23", kind: "work", note: "本区值班" }).toString(),
      });
    expect((await edit(officer)).status).toBe(403);
    expect((await edit(admin)).status).toBe(303);
    const page = await app.request(`${url}?year=2026`, req("GET", officer));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("2026-02-14");
    expect(html).toContain("本区值班");
  });

  it("a citizen applies from the portal page and lands on the tracking page", async () => {
    const form = `/t/${a.slug}/apply/000172001.01`;
    expect((await app.request(form, req("GET", citizen))).status).toBe(200);
    const post = await app.request(form, {
      method: "POST",
      headers: { ...citizen.headers, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ applicantName: "钱七", f_shopName: "钱记" }).toString(),
    });
    expect(post.status).toBe(303);
    const track = await app.request(post.headers.get("location") ?? "", req("GET", citizen));
    expect(track.status).toBe(200);
    expect(await track.text()).toContain("已接收");
  });
});
