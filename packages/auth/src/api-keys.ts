import { NotFoundError, newId } from "@zhengyun/core";
import { type ApiKeyRow, apiKeys } from "@zhengyun/db/platform";
import { withPlatform } from "@zhengyun/tenancy";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Principal } from "./authorize.ts";
import { type AuthCtx, audit, clockOf, optionsOf, requirePermission } from "./context.ts";
import { digestsEqual, randomToken, sha256Hex } from "./crypto.ts";
import { parse } from "./input.ts";
import { apiKeyScopes } from "./permissions.ts";

/** `zy_<prefix>_<secret>`: the prefix finds the row, the secret's SHA-256 proves it. */
const KEY_RE = /^zy_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function newPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => PREFIX_ALPHABET[b % PREFIX_ALPHABET.length]).join("");
}

export type ApiKeyView = Omit<ApiKeyRow, "secretHash">;

const createInput = z.object({
  tenantId: z.string().min(1),
  name: z.string().trim().min(1).max(100).default("default"),
  scopes: z.array(z.enum(apiKeyScopes)).min(1),
});

/** Returns the key once; only its prefix and the SHA-256 of its secret are stored. */
export async function createApiKey({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(createInput, input);
  requirePermission(ctx, "tenant.apikeys:manage", i.tenantId);
  const prefix = newPrefix();
  const secret = randomToken(32);
  return withPlatform(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        id: newId("key"),
        tenantId: i.tenantId,
        name: i.name,
        scopes: [...new Set(i.scopes)],
        prefix,
        secretHash: sha256Hex(secret),
        createdBy: ctx.actor?.id ?? null,
        createdAt: clockOf(ctx).now(),
      })
      .returning();
    if (!row) throw new Error("insert returned nothing");
    await audit(ctx, tx, {
      action: "apikey.create",
      result: "success",
      tenantId: i.tenantId,
      objectType: "api_key",
      objectId: row.id,
      data: { scopes: row.scopes },
    });
    const { secretHash: _, ...view } = row;
    return { key: `zy_${prefix}_${secret}`, apiKey: view satisfies ApiKeyView };
  });
}

export async function revokeApiKey({ ctx, input }: { ctx: AuthCtx; input: unknown }) {
  const i = parse(z.object({ tenantId: z.string().min(1), keyId: z.string().min(1) }), input);
  requirePermission(ctx, "tenant.apikeys:manage", i.tenantId);
  await withPlatform(ctx.db, async (tx) => {
    const done = await tx
      .update(apiKeys)
      .set({ revokedAt: clockOf(ctx).now() })
      .where(
        and(eq(apiKeys.id, i.keyId), eq(apiKeys.tenantId, i.tenantId), isNull(apiKeys.revokedAt)),
      )
      .returning({ id: apiKeys.id });
    if (done.length === 0) throw new NotFoundError("No such active API key");
    await audit(ctx, tx, {
      action: "apikey.revoke",
      result: "success",
      tenantId: i.tenantId,
      objectType: "api_key",
      objectId: i.keyId,
    });
  });
}

/**
 * The principal of a presented key, or undefined for a malformed, unknown, wrong or revoked key.
 * The hash comparison is constant-time; last use is written at most once per apiKeyTouchMs.
 */
export async function verifyApiKey({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: { key: string };
}): Promise<Principal | undefined> {
  const m = typeof input.key === "string" ? KEY_RE.exec(input.key) : null;
  if (!m?.[1] || !m[2]) return undefined;
  const [prefix, secret] = [m[1], m[2]];
  const now = clockOf(ctx).now();
  return withPlatform(ctx.db, async (tx) => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    const ok = digestsEqual(row?.secretHash ?? "0".repeat(64), sha256Hex(secret));
    if (!row || !ok || row.revokedAt) return undefined;
    if (
      !row.lastUsedAt ||
      now.getTime() - row.lastUsedAt.getTime() >= optionsOf(ctx).apiKeyTouchMs
    ) {
      await tx.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
    }
    return { kind: "apikey", id: row.id, tenantId: row.tenantId, roles: [], scopes: row.scopes };
  });
}

export async function listApiKeys({
  ctx,
  input,
}: {
  ctx: AuthCtx;
  input: unknown;
}): Promise<ApiKeyView[]> {
  const i = parse(z.object({ tenantId: z.string().min(1) }), input);
  requirePermission(ctx, "tenant.apikeys:manage", i.tenantId);
  const rows = await withPlatform(ctx.db, (tx) =>
    tx.select().from(apiKeys).where(eq(apiKeys.tenantId, i.tenantId)).orderBy(apiKeys.createdAt),
  );
  return rows.map(({ secretHash: _, ...v }) => v);
}
