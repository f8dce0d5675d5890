import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireDataDirLock, DataDirLockedError, lockFileOf, readLiveLock } from "./lock.ts";

describe("data-directory lock", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "zy-lock-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("admits one holder; the file is private and names the pid; release frees it", () => {
    const lock = acquireDataDirLock(dir, "server");
    expect(() => acquireDataDirLock(dir, "cli")).toThrow(DataDirLockedError);
    expect(statSync(lockFileOf(dir)).mode & 0o777).toBe(0o600);
    lock.update({ port: 4321, token: "secret" });
    expect(readLiveLock(dir)).toMatchObject({ pid: process.pid, port: 4321, token: "secret" });
    expect(statSync(lockFileOf(dir)).mode & 0o777).toBe(0o600);
    lock.release();
    expect(readLiveLock(dir)).toBeUndefined();
    acquireDataDirLock(dir, "cli").release();
  });

  it("takes over a lock left by a dead process", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    const pid = Number(dead.stdout.toString());
    writeFileSync(lockFileOf(dir), JSON.stringify({ pid, mode: "server", startedAt: "" }));
    expect(readLiveLock(dir)).toBeUndefined();
    const lock = acquireDataDirLock(dir, "cli");
    expect(JSON.parse(readFileSync(lockFileOf(dir), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a lock naming this pid that this process does not hold (restarted container)", () => {
    writeFileSync(lockFileOf(dir), JSON.stringify({ pid: process.pid, mode: "server" }));
    const lock = acquireDataDirLock(dir, "server");
    expect(() => acquireDataDirLock(dir, "cli")).toThrow(DataDirLockedError);
    lock.release();
  });

  it("treats a half-written lock as held, unless it is old (its creator crashed)", () => {
    writeFileSync(lockFileOf(dir), "");
    expect(() => acquireDataDirLock(dir, "cli")).toThrow(DataDirLockedError);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFileOf(dir), old, old);
    acquireDataDirLock(dir, "cli").release();
  });
});
