export * from "./database.ts";
export { ensureRole, platformGrants, tenantAppendOnly } from "./grants.ts";
export { openPostgres, type PostgresOptions } from "./postgres.ts";
export { ScopeEndedError } from "./postgres-scope.ts";
export * as platformSchema from "./schema/platform/index.ts";
export * as tenantSchema from "./schema/tenant/index.ts";
export {
  type Commit,
  committedByOwner,
  openScopeStatements,
  type ScopeSettings,
  scopedTransaction,
} from "./scoped.ts";
