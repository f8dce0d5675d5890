import {
  auditChainChecks,
  auditChainColumns,
  auditColumns,
  auditIndexes,
} from "../audit-columns.ts";
import { platform } from "./schema.ts";

/** The vendor's own audit chain (tenant creation, API keys, staff accounts). */
export const platformAuditLog = platform.table("audit_log", auditColumns, auditIndexes);

/** Head and purge anchor of the vendor chain; only the owner connection (the sealer) writes it. */
export const platformAuditChain = platform.table(
  "audit_chain",
  auditChainColumns,
  auditChainChecks,
);
