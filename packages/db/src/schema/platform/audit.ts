import { auditColumns, auditIndexes } from "../audit-columns.ts";
import { platform } from "./schema.ts";

/** The vendor's own audit chain (tenant creation, API keys, staff accounts). */
export const platformAuditLog = platform.table("audit_log", auditColumns, auditIndexes);
