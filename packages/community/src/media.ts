import type { ObjectStore, UploadSupport } from "@zhengyun/storage";

/** Photos and short videos residents attach to a request. */
export const MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "video/mp4"];
export const MEDIA_MAX_BYTES = 20 * 1024 * 1024;

type Store = ObjectStore & UploadSupport;

/** Step 1: a presigned POST the resident's browser uploads the photo with (to quarantine). */
export function presignRequestMedia(store: Store, tenantId: string, contentType: string) {
  return store.presignUpload(tenantId, { contentType, maxBytes: MEDIA_MAX_BYTES });
}

/**
 * Step 2, before submitRequest: the server checks the upload's real type and size and moves it
 * to `files/`; the returned key is what the request stores as `mediaKey`.
 */
export async function acceptRequestMedia(store: Store, tenantId: string, quarantineKey: string) {
  const accepted = await store.acceptUpload(tenantId, quarantineKey, {
    allowedTypes: MEDIA_TYPES,
    maxBytes: MEDIA_MAX_BYTES,
  });
  return accepted.key;
}
