/**
 * The light half of the runtime: the data-directory lock and the local admin channel, without the
 * database and storage drivers, so a CLI that hands its command to a running server starts fast.
 */
export { type AdminClientIo, callLocalAdmin, type LocalAdmin, startLocalAdmin } from "./admin.ts";
export type {
  AdminFrame,
  AdminRequest,
  CommandIo,
  CommandRunner,
  FileAccess,
  TextSink,
} from "./admin-protocol.ts";
export {
  acquireDataDirLock,
  type DataDirLock,
  DataDirLockedError,
  type LockInfo,
  lockFileOf,
  readLiveLock,
} from "./lock.ts";
