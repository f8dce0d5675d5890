import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { LockedError } from "@zhengyun/core";

/**
 * PGlite is single-process: two processes opening one data directory corrupt it. The process that
 * opens it holds `<DATA_DIR>/server.lock` (created with O_EXCL, mode 0600: it carries the local
 * admin token). A lock whose pid is dead is stale and taken over.
 */
export interface LockInfo {
  pid: number;
  mode: "server" | "cli";
  /** Local admin channel, once the holder has started it. */
  port?: number;
  token?: string;
  startedAt: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Rewrites the lock's content (atomically, mode 0600) while keeping it held. */
  update(patch: Partial<Pick<LockInfo, "port" | "token">>): void;
  release(): void;
}

export class DataDirLockedError extends LockedError {
  readonly holder: LockInfo;
  constructor(file: string, holder: LockInfo) {
    super(`data directory is in use by pid ${holder.pid} (${holder.mode}); lock file ${file}`);
    this.holder = holder;
  }
}

export const lockFileOf = (dataDir: string): string => join(dataDir, "server.lock");

// Locks this process holds: a lock naming our own pid that we do not hold was left by an earlier
// process that had the same pid (pid 1 in a restarted container).
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parse(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as LockInfo;
    return Number.isInteger(v.pid) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The holder named in a lock file; undefined when there is no file or the holder is gone. */
function liveHolder(file: string): LockInfo | undefined {
  let text: string;
  let age: number;
  try {
    text = readFileSync(file, "utf8");
    age = Date.now() - statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const info = parse(text);
  // Empty or unreadable: its creator is between open and write, unless it crashed right there.
  if (!info) return age < 10_000 ? { pid: -1, mode: "server", startedAt: "" } : undefined;
  if (info.pid === process.pid) return held.has(file) ? info : undefined;
  return alive(info.pid) ? info : undefined;
}

/** The lock's holder if a live process holds it; undefined when free or stale. */
export function readLiveLock(dataDir: string): LockInfo | undefined {
  return liveHolder(lockFileOf(dataDir));
}

function writeAtomically(file: string, info: LockInfo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes a stale lock under a short-lived guard, so two starters cannot both take it over. */
function removeStale(file: string): void {
  const guard = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, "wx", 0o600);
  } catch {
    // Someone else is taking over; a guard older than 10 s was left by a crash.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
    } catch {}
    return;
  }
  try {
    if (!liveHolder(file)) unlinkSync(file);
  } catch {
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

export function acquireDataDirLock(dataDir: string, mode: LockInfo["mode"]): DataDirLock {
  const file = lockFileOf(dataDir);
  let info: LockInfo = { pid: process.pid, mode, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readLiveLock(dataDir);
      if (holder || attempt >= 3) {
        throw new DataDirLockedError(file, holder ?? { pid: -1, mode: "server", startedAt: "" });
      }
      removeStale(file);
    }
  }
  held.add(file);
  return {
    file,
    update(patch) {
      info = { ...info, ...patch };
      writeAtomically(file, info);
    },
    release() {
      if (!held.delete(file)) return;
      try {
        if (parse(readFileSync(file, "utf8"))?.pid === process.pid) unlinkSync(file);
      } catch {}
    },
  };
}
