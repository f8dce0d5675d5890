export { type Manifest, manifestSchema, openArchive, packArchive, sha256 } from "./archive.ts";
export * from "./destroy.ts";
export { exportTenant, type TenantExport } from "./export.ts";
export * from "./import.ts";
export * from "./migrate-all.ts";
export * from "./offboard.ts";
export * from "./provision.ts";
export { withExclusiveRunner } from "./runner-guard.ts";
export * from "./template.ts";
