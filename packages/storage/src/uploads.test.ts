import { NotFoundError, ValidationError } from "@zhengyun/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PresignedUpload } from "./index.ts";
import { PDF, PNG, startTestStore } from "./test-s3.ts";

describe("presigned uploads and downloads on s3rver", () => {
  let t: Awaited<ReturnType<typeof startTestStore>>;
  beforeAll(async () => {
    t = await startTestStore();
  });
  afterAll(() => t.close());

  /** What a browser does with a presigned POST: the fields, then the file, as multipart. */
  async function browserPost(post: PresignedUpload, body: Uint8Array, type: string) {
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append("file", new Blob([body], { type }), "upload.bin");
    return fetch(post.url, { method: "POST", body: form });
  }

  async function upload(tenant: string, declared: string, body: Uint8Array, maxBytes = 10_000) {
    const post = await t.store.presignUpload(tenant, { contentType: declared, maxBytes });
    const res = await browserPost(post, body, declared);
    expect(res.status).toBe(204);
    return post.key;
  }

  const keys = async (tenant: string) => {
    const out: string[] = [];
    for await (const o of t.store.list(tenant)) out.push(o.key);
    return out;
  };

  it("signs a POST policy with the size range, the exact type and at most 15 minutes", async () => {
    const before = Date.now();
    const post = await t.store.presignUpload(t.tenantId(), {
      contentType: "Application/PDF",
      maxBytes: 5_000_000,
      minBytes: 10,
      expiresIn: 900,
    });
    expect(post.key).toMatch(/^quarantine\/upl_[0-9A-Z]{26}$/);
    expect(post.fields["Content-Type"]).toBe("application/pdf");
    const policy = JSON.parse(atob(post.fields.Policy ?? "")) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(["content-length-range", 10, 5_000_000]);
    expect(policy.conditions).toContainEqual(["eq", "$Content-Type", "application/pdf"]);
    const expires = Date.parse(policy.expiration);
    expect(expires - before).toBeLessThanOrEqual(901_000);
    expect(post.expiresAt.getTime()).toBeGreaterThanOrEqual(expires - 1000);
  });

  it("accepts a browser upload whose content matches its type, then serves it by presigned GET", async () => {
    const tenant = t.tenantId();
    const key = await upload(tenant, "image/png", PNG);
    const accepted = await t.store.acceptUpload(tenant, key, {
      allowedTypes: ["image/png", "application/pdf"],
      maxBytes: 10_000,
    });
    expect(accepted).toEqual({
      key: expect.stringMatching(/^files\/obj_/),
      size: PNG.byteLength,
      contentType: "image/png",
    });
    expect(await keys(tenant)).toEqual([accepted.key]);

    const { url } = await t.store.presignDownload(tenant, accepted.key, { filename: "照片 1.png" });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toContain(
      "filename*=UTF-8''%E7%85%A7%E7%89%87%201.png",
    );
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("300");
    // An accepted upload cannot be accepted twice.
    await expect(
      t.store.acceptUpload(tenant, key, { allowedTypes: ["image/png"], maxBytes: 10_000 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("accepts UTF-8 text declared as text/plain", async () => {
    const tenant = t.tenantId();
    const key = await upload(
      tenant,
      "text/plain",
      new TextEncoder().encode("申请说明\r\n第二行\t完"),
    );
    const accepted = await t.store.acceptUpload(tenant, key, {
      allowedTypes: ["text/plain"],
      maxBytes: 10_000,
    });
    expect(accepted.contentType).toBe("text/plain");
  });

  it("refuses and deletes an oversized upload that s3rver let through", async () => {
    const tenant = t.tenantId();
    const big = new Uint8Array(5_000);
    big.set(PNG);
    // The policy says at most 1,000 bytes; s3rver does not enforce POST policies.
    const key = await upload(tenant, "image/png", big, 1_000);
    expect(await keys(tenant)).toEqual([key]);
    await expect(
      t.store.acceptUpload(tenant, key, { allowedTypes: ["image/png"], maxBytes: 1_000 }),
    ).rejects.toThrow(/size is 5000 bytes, allowed 1–1000/);
    expect(await keys(tenant)).toEqual([]);
  });

  const all = ["image/png", "application/pdf", "text/plain"];
  it.each([
    [
      "a PNG declared as PDF",
      "application/pdf",
      PNG,
      all,
      /as application\/pdf but the content is image\/png/,
    ],
    ["text declared as PNG", "image/png", new TextEncoder().encode("hello"), all, /not recognised/],
    ["a PDF declared as text", "text/plain", PDF, all, /but the content is application\/pdf/],
    ["binary declared as text", "text/plain", Uint8Array.of(1, 2, 3, 0, 255), all, /not text/],
    ["a type this place does not take", "application/pdf", PDF, ["image/png"], /not allowed/],
  ])("refuses and deletes %s", async (_, declared, body, allowedTypes, reason) => {
    const tenant = t.tenantId();
    const key = await upload(tenant, declared, body);
    const err = await t.store
      .acceptUpload(tenant, key, { allowedTypes, maxBytes: 10_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(reason);
    expect(await keys(tenant)).toEqual([]);
  });

  it("refuses keys that are not this tenant's uploads", async () => {
    const a = t.tenantId();
    const b = t.tenantId();
    const key = await upload(a, "image/png", PNG);
    const opts = { allowedTypes: ["image/png"], maxBytes: 10_000 };
    await expect(t.store.acceptUpload(b, key, opts)).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.store.acceptUpload(a, "files/x", opts)).rejects.toBeInstanceOf(ValidationError);
    await expect(t.store.acceptUpload(a, `../${b}/${key}`, opts)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await keys(a)).toEqual([key]);
  });

  it("refuses expiries above 15 minutes and malformed requests", async () => {
    const tenant = t.tenantId();
    const ok = { contentType: "image/png", maxBytes: 1_000 };
    for (const bad of [
      { ...ok, expiresIn: 901 },
      { ...ok, expiresIn: 0 },
      { ...ok, maxBytes: 0 },
      { ...ok, minBytes: 2_000 },
      { ...ok, contentType: "png" },
    ]) {
      await expect(t.store.presignUpload(tenant, bad)).rejects.toBeInstanceOf(ValidationError);
    }
    const longest = await t.store.presignDownload(tenant, "files/x", { expiresIn: 900 });
    expect(new URL(longest.url).searchParams.get("X-Amz-Expires")).toBe("900");
    await expect(
      t.store.presignDownload(tenant, "files/x", { expiresIn: 3_600 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(t.store.presignDownload(tenant, "../x")).rejects.toBeInstanceOf(ValidationError);
  });
});
