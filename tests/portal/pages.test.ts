// First: module packages build zod schemas at import, and they need zod-openapi's extension loaded.
import "@zhengyun/api";
import { sessionCookieName, signIn } from "@zhengyun/auth";
import type { Database } from "@zhengyun/db";
import { platformSchema } from "@zhengyun/db";
import { demoPortalLogins, seedDemoPortal } from "@zhengyun/demo/portal";
import {
  type PortalCtx,
  portalApplications,
  portalArticles,
  portalCertificates,
  portalConsultations,
  portalItems,
  portalPayments,
  saveChannel,
  submitApplication,
  submitConsultation,
} from "@zhengyun/portal";
import { withTenant } from "@zhengyun/tenancy";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers, openTestDatabase, type Tenant, tenantFactory } from "../harness/index.ts";
import {
  auditRows,
  formClient,
  ORIGIN,
  type People,
  req,
  type SignedIn,
  signedIn,
  staffFactory,
} from "../http-admin/helpers.ts";
import { licence } from "./fixtures.ts";
import { PNG, portalApp, postUpload, scratchStore } from "./helpers.ts";

type Presigned = { url: string; fields: Record<string, string>; key: string };

const ITEM = "000172001.01";
/** The demo citizen (packages/demo/src/accounts.ts): one identity in every tenant seeded. */
const DEMO_CITIZEN = "citizen@demo.example";
const DEMO_PASSWORD = "Zhengyun-Demo-2026";

describe.each(drivers())("portal console and citizen pages on %s", (driver) => {
  let db: Database;
  let tenants: ReturnType<typeof tenantFactory>;
  let people: People;
  let s3: Awaited<ReturnType<typeof scratchStore>>;
  let app: ReturnType<typeof portalApp>;
  let a: Tenant;
  let b: Tenant;
  let citizen: SignedIn;
  let officer: SignedIn;
  let editor: SignedIn;
  let reviewer: SignedIn;
  let officerB: SignedIn;
  let editorB: SignedIn;
  const as = (who: SignedIn, kind: "citizen" | "staff" = "staff"): PortalCtx => ({
    db,
    tenant: a,
    actor: { id: who.id, kind },
  });

  const { page: get, post } = formClient(() => app);
  /** A multipart form as a browser without JavaScript sends it (files as `name: [type, bytes]`). */
  const upload = async (
    path: string,
    who: SignedIn,
    fields: Record<string, string>,
    files: Record<string, [string, Uint8Array]>,
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, [type, bytes]] of Object.entries(files))
      form.append(k, new Blob([bytes], { type }), "scan");
    const res = await app.request(path, {
      method: "POST",
      headers: { ...who.headers, origin: ORIGIN },
      body: form,
    });
    return { status: res.status, html: await res.text(), location: res.headers.get("location") };
  };
  const rows = <T>(q: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) =>
    withTenant(db, a, q);
  const apps = () => rows((tx) => tx.select().from(portalApplications));
  const appOf = async (tracking: string) =>
    (await apps()).find((x) => x.tracking === tracking) as NonNullable<
      Awaited<ReturnType<typeof apps>>[number]
    >;

  beforeAll(async () => {
    db = await openTestDatabase(driver);
    tenants = tenantFactory(db);
    people = staffFactory(db);
    s3 = await scratchStore();
    app = portalApp(db, people.clock, s3.store);
    a = await tenants.create();
    b = await tenants.create();
    citizen = await signedIn(people, "citizen", a.id);
    officer = await signedIn(people, "case_officer", a.id);
    editor = await signedIn(people, "portal_editor", a.id);
    reviewer = await signedIn(people, "portal_editor", a.id);
    officerB = await signedIn(people, "case_officer", b.id);
    editorB = await signedIn(people, "portal_editor", b.id);
    const put = await post(`/t/${a.slug}/console/portal/items`, editor, {
      ...itemForm(),
    });
    expect(put.status).toBe(303);
  });
  afterAll(async () => {
    await s3.close();
    await people.cleanup([a.id, b.id]);
    await tenants.cleanup();
    await db.close();
  });

  /** The catalogue editor's form for the fixture's item (one line per material and field). */
  const itemForm = (over: Record<string, string> = {}) => {
    const i = licence();
    return {
      code: i.code,
      name: i.name,
      type: i.type,
      implementingBody: i.implementingBody,
      department: i.department,
      legalBasis: i.legalBasis,
      conditions: i.conditions,
      materials: "营业执照|复印件|1|必要\n场所平面图|原件|1|可选",
      steps: i.steps.join("\n"),
      immediate: "no",
      legalDays: "20",
      promisedDays: "10",
      fee: "0",
      visits: "0",
      online: "yes",
      contact: i.contact,
      complaints: i.complaints,
      fields: "shopName|店名|必填",
      ...over,
    };
  };

  it("the catalogue editor saves items, refuses promised > legal inline, and is for editors only", async () => {
    const [saved] = await rows((tx) =>
      tx.select().from(portalItems).where(eq(portalItems.code, ITEM)),
    );
    expect(saved).toMatchObject({
      promisedDays: 10,
      materials: [
        { name: "营业执照", form: "copy", copies: 1, required: true },
        { name: "场所平面图", form: "original", copies: 1, required: false },
      ],
      fields: [{ name: "shopName", label: "店名", required: true }],
    });
    expect((await auditRows(db, a, "portal.item.save")).map((r) => r.objectId)).toContain(ITEM);
    const url = `/t/${a.slug}/console/portal/items`;
    const list = await get(`${url}?code=${ITEM}`, editor);
    expect(list.status).toBe(200);
    expect(list.html).toContain("营业执照|复印件|1|必要");

    const over = await post(url, editor, itemForm({ code: "X7", promisedDays: "30" }));
    expect(over.status).toBe(400);
    expect(over.html).toContain("承诺时限不得超过法定时限");
    expect(over.html).toMatch(
      /id="f-promisedDays"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-promisedDays"/,
    );
    const empty = await post(url, editor, itemForm({ code: "X8", name: "", fee: "1.234" }));
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("此项必填");
    const codes = (await rows((tx) => tx.select().from(portalItems))).map((i) => i.code);
    expect(codes).toEqual([ITEM]);

    expect((await get(url, citizen)).status).toBe(403);
    expect((await post(url, officer, itemForm({ code: "X9" }))).status).toBe(403);
    expect((await get(url, editorB)).status).toBe(404);
    expect((await post(url, editorB, itemForm({ code: "X9" }))).status).toBe(404);
    expect((await rows((tx) => tx.select().from(portalItems))).length).toBe(1);

    // JSON import: all items or none, the bad one named.
    const exported = (await (
      await app.request(`/t/${a.slug}/api/v1/portal/catalogue`, req("GET", editor))
    ).json()) as { version: 1; items: Record<string, unknown>[] };
    const first = exported.items[0] as Record<string, unknown>;
    const file = (items: unknown[]): Record<string, [string, Uint8Array]> => ({
      file: ["application/json", new TextEncoder().encode(JSON.stringify({ version: 1, items }))],
    });
    const imp = `${url}/import`;
    const badOne = await upload(
      imp,
      editor,
      {},
      file([
        { ...first, code: "Y1", name: "新事项" },
        { ...first, code: "Y2", promisedDays: 99 },
      ]),
    );
    expect(badOne.status).toBe(400);
    expect(badOne.html).toContain("第 2 个事项有误（promisedDays）");
    const notJson = await upload(imp, editor, {}, { file: ["application/json", PNG] });
    expect(notJson.status).toBe(400);
    expect(notJson.html).toContain("请选择导出的目录 JSON 文件");
    expect((await rows((tx) => tx.select().from(portalItems))).length).toBe(1);
    expect((await upload(imp, officer, {}, file([{ ...first, code: "Y1" }]))).status).toBe(403);
    const ok = await upload(imp, editor, {}, file([{ ...first, code: "Y1", name: "新事项" }]));
    expect(ok.status).toBe(303);
    const after = (await rows((tx) => tx.select().from(portalItems))).map((i) => i.code);
    expect(after.sort()).toEqual([ITEM, "Y1"]);
    expect((await auditRows(db, a, "portal.catalogue.import")).length).toBe(1);
  });

  it("a citizen applies with an upload; bad input re-renders with messages and writes nothing", async () => {
    const form = `/t/${a.slug}/apply/${ITEM}`;
    const page = await get(form, citizen);
    expect(page.status).toBe(200);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain("营业执照");
    const before = (await apps()).length;

    const missing = await upload(form, citizen, { applicantName: "" }, {});
    expect(missing.status).toBe(400);
    expect(missing.html).toContain("此项必填");
    const lying = await upload(
      form,
      citizen,
      { applicantName: "张三", f_shopName: "张记" },
      { m_0: ["application/pdf", PNG] },
    );
    expect(lying.status).toBe(400);
    expect(lying.html).toContain("文件内容与类型不符");
    expect(lying.html).toContain('value="张记"');
    const wrongType = await upload(
      form,
      citizen,
      { applicantName: "张三", f_shopName: "张记" },
      { m_0: ["text/plain", new TextEncoder().encode("hello")] },
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.html).toContain("只能上传 PDF、JPEG 或 PNG 文件");
    expect((await apps()).length).toBe(before);

    const ok = await upload(
      form,
      citizen,
      { applicantName: "张三", f_shopName: "张记" },
      { m_0: ["image/png", PNG] },
    );
    expect(ok.status).toBe(303);
    const tracking = /track\/(\w+)/.exec(ok.location ?? "")?.[1] ?? "";
    const made = await appOf(tracking);
    expect(made.materials).toMatchObject([{ name: "营业执照", contentType: "image/png" }]);
    expect(made.form).toEqual({ shopName: "张记" });
    const track = await get(`/t/${a.slug}/track/${tracking}`, citizen);
    expect(track.html).toContain("已接收");
    expect(track.html).toContain("营业执照");
    const mine = await get(`/t/${a.slug}/applications`, citizen);
    expect(mine.html).toContain(tracking);

    // With JavaScript the file went through the API's presigned upload; the form carries its key.
    const presigned = await app.request(
      `/t/${a.slug}/api/v1/portal/uploads`,
      req("POST", citizen, { contentType: "image/png" }),
    );
    const key = await postUpload((await presigned.json()) as Presigned, "image/png", PNG);
    const forged = await post(form, citizen, {
      applicantName: "李四",
      f_shopName: "李记",
      u_m_1: "files/obj_NOTQUARANTINED",
    });
    expect(forged.status).toBe(400);
    const direct = await post(form, citizen, {
      applicantName: "李四",
      f_shopName: "李记",
      u_m_1: key,
    });
    expect(direct.status).toBe(303);
    const viaKey = await appOf(/track\/(\w+)/.exec(direct.location ?? "")?.[1] ?? "");
    expect(viaKey.materials).toMatchObject([{ name: "场所平面图", contentType: "image/png" }]);
    // Another tenant's people and anonymous visitors do not get the form.
    expect((await get(form, officerB)).status).toBe(404);
    expect((await get(form)).status).toBe(303);
  });

  it("staff request a correction, the citizen supplies it, staff accept, approve and issue", async () => {
    const made = await submitApplication({
      ctx: as(citizen, "citizen"),
      input: { itemCode: ITEM, applicantName: "王五", form: { shopName: "王记" } },
    });
    const url = `/t/${a.slug}/console/portal/applications/${made.id}`;
    const page = await get(url, officer);
    expect(page.status).toBe(200);
    expect(page.html).toContain("一次性告知");
    // The queue and case pages are for case staff of this tenant.
    expect((await get(url, citizen)).status).toBe(403);
    expect((await get(url, editor)).status).toBe(403);
    expect((await get(url, officerB)).status).toBe(404);
    expect((await post(url, citizen, { action: "accept" })).status).toBe(403);
    expect((await post(url, officerB, { action: "accept" })).status).toBe(404);

    const empty = await post(url, officer, { action: "notice", notice_missing: " \n " });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("此项必填");
    const noReason = await post(url, officer, { action: "not_accept", not_accept_reason: "" });
    expect(noReason.status).toBe(400);
    expect((await appOf(made.tracking)).state).toBe("received");

    const notice = await post(url, officer, {
      action: "notice",
      notice_missing: "营业执照\n场所平面图（需盖章）",
    });
    expect(notice.status).toBe(303);
    expect((await appOf(made.tracking)).state).toBe("notice");
    expect((await auditRows(db, a, "portal.application.notice")).length).toBeGreaterThan(0);
    // Accepting now is a conflict, shown on the page; nothing changes.
    const late = await post(url, officer, { action: "accept" });
    expect(late.status).toBe(409);
    expect(late.html).toContain("办件状态已变化");

    const track = `/t/${a.slug}/track/${made.tracking}`;
    const shown = await get(track, citizen);
    expect(shown.html).toContain("场所平面图（需盖章）");
    const none = await upload(track, citizen, { note: "" }, {});
    expect(none.status).toBe(400);
    expect(none.html).toContain("请至少上传一份补正材料");
    expect((await appOf(made.tracking)).state).toBe("notice");
    const fixed = await upload(track, citizen, { note: "已补齐" }, { s_0: ["image/png", PNG] });
    expect(fixed.status).toBe(303);
    const after = await appOf(made.tracking);
    expect(after.state).toBe("received");
    expect(after.materials.map((m) => m.name)).toEqual(["营业执照"]);
    // Staff open the supplied file through a short-lived link; so does the applicant; both audited.
    const file = await get(`${url}/materials/0`, officer);
    expect(file.status).toBe(303);
    const bytes = new Uint8Array(await (await fetch(file.location ?? "")).arrayBuffer());
    expect(bytes).toEqual(PNG);
    expect((await get(`${track}/materials/0`, citizen)).status).toBe(303);
    expect((await get(`${url}/materials/0`, editor)).status).toBe(403);
    expect((await get(`${url}/materials/0`, officerB)).status).toBe(404);
    expect((await get(`${url}/materials/7`, officer)).status).toBe(404);
    expect((await auditRows(db, a, "portal.material.read")).length).toBe(2);

    for (const action of ["accept", "review", "approve"])
      expect((await post(url, officer, { action })).status).toBe(303);
    const past = await post(url, officer, {
      action: "certificate",
      certificate_validUntil: "2001-01-01",
    });
    expect(past.status).toBe(400);
    expect((await rows((tx) => tx.select().from(portalCertificates))).length).toBe(0);
    const issued = await post(url, officer, {
      action: "certificate",
      certificate_validUntil: "2099-12-31",
    });
    expect(issued.status).toBe(303);
    const [cert] = await rows((tx) => tx.select().from(portalCertificates));
    expect(cert?.holder).toBe("王五");
    const verify = await get(`/t/${a.slug}/verify/${cert?.code}`);
    expect(verify.html).toContain("有效");
    expect(verify.html).toContain("2099-12-31");
    expect((await get(track, citizen)).html).toContain(cert?.number ?? "?");
  });

  it("the article editor writes, submits and publishes, never by the author", async () => {
    await saveChannel({ ctx: as(editor), input: { slug: "notices", name: "通知公告" } });
    const url = `/t/${a.slug}/console/portal/articles`;
    expect((await get(url, editor)).status).toBe(200);
    const count = async () => (await rows((tx) => tx.select().from(portalArticles))).length;
    const bad = await post(url, editor, { channel: "notices", title: "", body: "" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("此项必填");
    const noChannel = await post(url, editor, {
      channel: "nosuch",
      title: "标题",
      body: "<p>x</p>",
    });
    expect(noChannel.status).toBe(400);
    expect(await count()).toBe(0);
    expect((await post(url, officer, { channel: "notices", title: "t", body: "b" })).status).toBe(
      403,
    );
    expect((await post(url, editorB, { channel: "notices", title: "t", body: "b" })).status).toBe(
      404,
    );

    const saved = await post(url, editor, {
      channel: "notices",
      title: "停车场维修通知",
      body: "<p>周六维修</p><script>alert(1)</script>",
    });
    expect(saved.status).toBe(303);
    const [art] = await rows((tx) => tx.select().from(portalArticles));
    expect(art?.body).not.toContain("<script>");
    const actions = `${url}/${art?.id}/actions`;
    expect((await post(actions, editor, { action: "submit" })).status).toBe(303);
    const own = await post(actions, editor, { action: "publish" });
    expect(own.status).toBe(403);
    expect(own.html).toContain("审核发布人不能是文章作者");
    expect((await post(actions, reviewer, { action: "publish" })).status).toBe(303);
    const [published] = await rows((tx) => tx.select().from(portalArticles));
    expect(published?.state).toBe("published");
    const noReason = await post(actions, reviewer, { action: "withdraw", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await auditRows(db, a, "portal.article.publish")).length).toBe(1);
    expect((await get(`/t/${a.slug}/notices`)).html).toContain("停车场维修通知");
  });

  it("case officers answer consultations and confirm fees; others cannot", async () => {
    const q = await submitConsultation({
      ctx: as(citizen, "citizen"),
      input: {
        kind: "consultation",
        name: "李四",
        subject: "办理时间",
        question: "需要几天？",
        department: "行政审批科",
      },
    });
    const url = `/t/${a.slug}/console/portal/consultations`;
    const queue = await get(url, officer);
    expect(queue.html).toContain("需要几天？");
    expect((await get(url, editor)).status).toBe(403);
    expect((await get(url, officerB)).status).toBe(404);
    const empty = await post(`${url}/${q.id}`, officer, { [`answer_${q.id}`]: "" });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain("此项必填");
    expect((await post(`${url}/${q.id}`, citizen, { [`answer_${q.id}`]: "x" })).status).toBe(403);
    const answered = await post(`${url}/${q.id}`, officer, {
      [`answer_${q.id}`]: "承诺10个工作日。",
      [`publish_${q.id}`]: "yes",
    });
    expect(answered.status).toBe(303);
    const [c] = await rows((tx) =>
      tx.select().from(portalConsultations).where(eq(portalConsultations.id, q.id)),
    );
    expect(c).toMatchObject({ state: "answered", published: true });
    expect((await get(`/t/${a.slug}/consultations`)).html).toContain("承诺10个工作日。");

    // An item with a fee: applying opens a payment order for staff to confirm.
    await post(`/t/${a.slug}/console/portal/items`, editor, itemForm({ code: "F1", fee: "20.50" }));
    const paid = await submitApplication({
      ctx: as(citizen, "citizen"),
      input: { itemCode: "F1", applicantName: "赵六", form: { shopName: "赵记" } },
    });
    const [order] = await rows((tx) =>
      tx.select().from(portalPayments).where(eq(portalPayments.applicationId, paid.id)),
    );
    expect(order?.amountFen).toBe(2050);
    const ref = order?.reference ?? "";
    const pay = `/t/${a.slug}/console/portal/payments`;
    const list = await get(pay, officer);
    expect(list.html).toContain(ref);
    expect(list.html).toContain("¥20.50");
    expect((await get(pay, citizen)).status).toBe(403);
    expect((await post(`${pay}/${ref}`, editor, { [`method_${ref}`]: "counter" })).status).toBe(
      403,
    );
    const noBankRef = await post(`${pay}/${ref}`, officer, { [`method_${ref}`]: "bank" });
    expect(noBankRef.status).toBe(400);
    const pending = async () =>
      (
        await rows((tx) =>
          tx.select().from(portalPayments).where(eq(portalPayments.reference, ref)),
        )
      )[0]?.state;
    expect(await pending()).toBe("pending");
    const ok = await post(`${pay}/${ref}`, officer, {
      [`method_${ref}`]: "bank",
      [`bankReference_${ref}`]: "BOC20261127001",
    });
    expect(ok.status).toBe(303);
    expect(await pending()).toBe("paid");
    expect((await auditRows(db, a, "portal.payment.confirm")).map((r) => r.objectId)).toEqual([
      ref,
    ]);
    expect((await post(`${pay}/${ref}`, officer, { [`method_${ref}`]: "counter" })).status).toBe(
      409,
    );
  });

  it("the demo's applications belong to the demo citizen, who sees them after signing in", async () => {
    const demo = await tenants.create();
    await seedDemoPortal(db, [demo]);
    // The staff accounts the portal seeding made go at cleanup (the citizen is shared by every run).
    const { editor: e, reviewer: rv, officer: o } = demoPortalLogins(demo.slug);
    const staff = await db.orm
      .select({ id: platformSchema.users.id })
      .from(platformSchema.users)
      .where(inArray(platformSchema.users.email, [e, rv, o]));
    expect(staff).toHaveLength(3);
    for (const u of staff) await people.track(u.id);
    const r = await signIn({
      ctx: people.ctx,
      input: { login: DEMO_CITIZEN, password: DEMO_PASSWORD, kind: "citizen", tenantId: demo.id },
    });
    if (r.status !== "signed_in") throw new Error(`demo citizen: ${r.status}`);
    const who = {
      id: "",
      email: DEMO_CITIZEN,
      headers: { cookie: `${sessionCookieName(false)}=${r.token}`, origin: ORIGIN },
    };
    const mine = await get(`/t/${demo.slug}/applications`, who);
    expect(mine.status).toBe(200);
    const all = await withTenant(db, demo, (tx) => tx.select().from(portalApplications));
    expect(all).toHaveLength(10);
    for (const x of all) expect(mine.html).toContain(x.tracking);
    expect(mine.html).toContain("已办结");
    const certified = all.find((x) => x.state === "completed") as (typeof all)[number];
    expect((await get(`/t/${demo.slug}/track/${certified.tracking}`, who)).html).toContain(
      "电子证照",
    );
  });
});
