import { newId } from "@zhengyun/core";
import type { ObjectStore, UploadSupport } from "@zhengyun/storage";

/** What an applicant may upload: scans and photos of documents, checked by content. */
export const MATERIAL_TYPES = ["application/pdf", "image/jpeg", "image/png"];
export const MATERIAL_MAX_BYTES = 20 * 1024 * 1024;

export type MaterialStore = ObjectStore & UploadSupport;

/** Step 1: a presigned POST the browser uploads one material with (into quarantine). */
export function presignMaterial(store: MaterialStore, tenantId: string, contentType: string) {
  return store.presignUpload(tenantId, { contentType, maxBytes: MATERIAL_MAX_BYTES });
}

/** Step 2: the server checks the real type and size and moves the file to `files/`. */
export function acceptMaterial(store: MaterialStore, tenantId: string, quarantineKey: string) {
  return store.acceptUpload(tenantId, quarantineKey, {
    allowedTypes: MATERIAL_TYPES,
    maxBytes: MATERIAL_MAX_BYTES,
  });
}

/**
 * A file posted to a page (forms work without JavaScript, so no presigned POST): put into the
 * same quarantine a presigned upload lands in, then accepted by the same checks (`acceptMaterial`).
 */
export async function quarantineFile(
  store: MaterialStore,
  tenantId: string,
  body: Uint8Array,
  declaredType: string,
): Promise<string> {
  const key = `quarantine/${newId("upl")}`;
  await store.put(tenantId, key, body, declaredType || "application/octet-stream");
  return key;
}
