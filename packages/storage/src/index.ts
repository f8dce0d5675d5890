/**
 * CONTRACT (to be implemented by the storage work): S3 objects under `tenants/<tenant id>/`.
 * Keys passed in and returned are relative to the tenant's prefix.
 */
export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  readonly bucket: string;
  put(
    tenantId: string,
    key: string,
    body: Uint8Array | string,
    contentType?: string,
  ): Promise<void>;
  get(tenantId: string, key: string): Promise<Uint8Array | undefined>;
  list(tenantId: string, prefix?: string): AsyncIterable<StoredObject>;
  /** Deletes every object under the tenant's prefix (or a sub-prefix); returns how many. */
  deletePrefix(tenantId: string, prefix?: string): Promise<number>;
  /** Bytes stored under the tenant's prefix (the daily storage snapshot). */
  totalBytes(tenantId: string): Promise<number>;
}
