import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callLocalAdmin, readLiveLock } from "@zhengyun/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomSlug } from "../harness/index.ts";
import { cliEnv, runCli, startHolder, stopHolder } from "./run-cli.ts";

// Embedded only: PGlite is single-process, so while a server holds the data directory the CLI
// must run its commands inside the server, through the local admin channel.
describe("pnpm cli while a server holds the embedded database", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let holder: ChildProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "zy-cli-admin-"));
    env = cliEnv(join(dir, "data"));
    holder = await startHolder(env);
  });
  afterAll(async () => {
    await stopHolder(holder);
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs commands in the server process and sees its data", async () => {
    const slug = randomSlug("adm");
    const c = await runCli(
      ["tenant", "create", slug, "--name", "北京市西城区", "--level", "district"],
      env,
    );
    expect(c).toMatchObject({ code: 0 });
    const l = await runCli(["tenant", "list", "--json"], env);
    expect(JSON.parse(l.stdout)).toEqual([expect.objectContaining({ slug, status: "active" })]);
    // The server still holds the directory: the CLI never opened it.
    expect(readLiveLock(join(dir, "data"))?.pid).toBe(holder.pid);
    // Exit codes and the error line come back through the channel too.
    const u = await runCli(["tenant", "resume", "no-such-tenant"], env);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/^error: No tenant "no-such-tenant"$/m);
  });

  it("refuses a wrong or missing token", async () => {
    const lock = readLiveLock(join(dir, "data"));
    if (!lock?.port) throw new Error("no admin port in the lock file");
    const io = {
      stdout: { write: () => true },
      stderr: { write: () => true },
      writeFile: async () => {},
    };
    await expect(
      callLocalAdmin({ port: lock.port, token: "wrong" }, { argv: ["tenant", "list"] }, io),
    ).rejects.toThrow(/401/);
    const res = await fetch(`http://127.0.0.1:${lock.port}/run`, {
      method: "POST",
      body: JSON.stringify({ argv: ["tenant", "list"] }),
    });
    expect(res.status).toBe(401);
  });

  it("offboard writes the archive where the CLI runs; import reads it from there", async () => {
    const slug = randomSlug("adm");
    const copy = randomSlug("adm");
    const work = join(dir, "work");
    mkdirSync(work);
    await runCli(["tenant", "create", slug, "--name", "北京市东城区", "--level", "district"], env);
    const off = await runCli(["tenant", "offboard", slug, "--export", "archive.bin"], env, work);
    expect(off.stderr).toMatch(/^archive retained in storage as \S+\n$/);
    expect(off.code).toBe(0);
    expect(existsSync(join(work, "archive.bin"))).toBe(true);
    const imp = await runCli(["tenant", "import", "archive.bin", "--slug", copy], env, work);
    expect(imp.code).toBe(0);
    const rows = JSON.parse((await runCli(["tenant", "list", "--json"], env)).stdout) as {
      slug: string;
      status: string;
      name: string;
    }[];
    expect(rows.find((r) => r.slug === copy)).toMatchObject({
      status: "active",
      name: "北京市东城区",
    });
    expect(rows.find((r) => r.slug === slug)?.status ?? "offboarded").toBe("offboarded");
  });
});
