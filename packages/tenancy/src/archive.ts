import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { ValidationError } from "@zhengyun/core";
import { extract as tarExtract, pack as tarPack } from "tar-stream";
import { z } from "zod";

/*
 * The export archive: a gzip'd tar holding manifest.json, tables/<table>.jsonl (one JSON object per
 * row) and objects/<key> (the tenant's stored objects). The manifest lists the sha256 of every other
 * entry, so an import can refuse a damaged or tampered archive before it creates anything.
 */

export const MANIFEST = "manifest.json";
export const tableEntry = (table: string) => `tables/${table}.jsonl`;
export const objectEntry = (key: string) => `objects/${key}`;

export const manifestSchema = z.object({
  format: z.literal("zhengyun-tenant-export"),
  version: z.literal(1),
  tenant: z.object({
    id: z.string(),
    slug: z.string(),
    name: z.string().min(1),
    level: z.enum(["city", "district", "street"]),
  }),
  templateIdx: z.number().int().min(-1),
  createdAt: z.string(),
  tables: z.array(
    z.object({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), rows: z.number().int() }),
  ),
  objects: z.array(z.object({ key: z.string().min(1), size: z.number().int().min(0) })),
  /** sha256 (hex) of every entry but the manifest, by entry name. */
  entries: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export async function packArchive(
  files: { name: string; body: Uint8Array }[],
  mtime: Date,
): Promise<Uint8Array> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const drained = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const f of files) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: f.name, size: f.body.byteLength, mtime }, asBuffer(f.body), (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  pack.finalize();
  await drained;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

async function untar(archive: Uint8Array): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tarExtract();
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      if (entry.header.type !== "file") continue;
      if (files.has(entry.header.name)) throw new Error(`duplicate entry ${entry.header.name}`);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(gunzipSync(asBuffer(archive)));
  await reading;
  return files;
}

export interface OpenedArchive {
  manifest: Manifest;
  /** JSON lines per table, as written. */
  tables: Map<string, string[]>;
  objects: Map<string, Buffer>;
}

/** Unpacks and verifies an archive: any damage is a ValidationError naming what is wrong. */
export async function openArchive(archive: Uint8Array): Promise<OpenedArchive> {
  let files: Map<string, Buffer>;
  try {
    files = await untar(archive);
  } catch (e) {
    throw new ValidationError(`not a readable export archive: ${(e as Error).message}`);
  }
  const raw = files.get(MANIFEST);
  if (!raw) throw new ValidationError("export archive has no manifest.json");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ValidationError("manifest.json is not valid JSON");
  }
  const r = manifestSchema.safeParse(parsed);
  if (!r.success) throw new ValidationError(`manifest.json is malformed: ${r.error.message}`);
  const manifest = r.data;

  for (const name of files.keys()) {
    if (name !== MANIFEST && !(name in manifest.entries)) {
      throw new ValidationError(`archive entry ${name} is not in the manifest`);
    }
  }
  for (const [name, digest] of Object.entries(manifest.entries)) {
    const body = files.get(name);
    if (!body) throw new ValidationError(`archive entry ${name} is missing`);
    if (sha256(body) !== digest)
      throw new ValidationError(`archive entry ${name} fails its checksum`);
  }

  const tables = new Map<string, string[]>();
  for (const t of manifest.tables) {
    const body = files.get(tableEntry(t.name));
    if (!body) throw new ValidationError(`archive has no rows for table ${t.name}`);
    const lines = body.toString("utf8").split("\n").filter(Boolean);
    if (lines.length !== t.rows) {
      throw new ValidationError(
        `table ${t.name}: manifest says ${t.rows} rows, archive has ${lines.length}`,
      );
    }
    tables.set(t.name, lines);
  }
  const objects = new Map<string, Buffer>();
  for (const o of manifest.objects) {
    const body = files.get(objectEntry(o.key));
    if (!body || body.byteLength !== o.size) {
      throw new ValidationError(`object ${o.key} is missing or has the wrong size`);
    }
    objects.set(o.key, body);
  }
  return { manifest, tables, objects };
}
