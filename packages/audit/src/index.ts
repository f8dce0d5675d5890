export type { ChainTarget } from "./chain.ts";
export { type ChainEvent, chainAuditHook, writeTenantAudit } from "./chain-hook.ts";
export { type AuditAlgorithm, type AuditKey, auditKeyFrom } from "./key.ts";
export { type PurgeResult, purgeAudit, RETENTION_DAYS } from "./purge.ts";
export {
  type AuditEntry,
  type AuditQuery,
  allAudit,
  auditQuerySchema,
  collect,
  exportAuditCsv,
  exportAuditJsonl,
  queryAudit,
} from "./query.ts";
export {
  type AuditBatchRecord,
  type AuditRecord,
  auditBatch,
  auditRecordSchema,
  writeAudit,
} from "./record.ts";
export { type SealResult, sealAll, sealChain, startSealer } from "./seal.ts";
export { type RequestMeta, tenantChangeAudit } from "./tenant-change.ts";
export {
  type BreakReason,
  type BrokenLink,
  type ChainReport,
  runAuditVerify,
  verifyChain,
  verifyChains,
} from "./verify.ts";
