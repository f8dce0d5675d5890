import { pgTable } from "drizzle-orm/pg-core";
import { auditChainChecks, auditChainColumns } from "../audit-columns.ts";

/** Head and purge anchor of the tenant's audit chain; the tenant role has no access to it. */
export const auditChain = pgTable("audit_chain", auditChainColumns, auditChainChecks);
