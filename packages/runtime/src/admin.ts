import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";
import { ValidationError } from "@zhengyun/core";
import {
  ADMIN_BODY_LIMIT,
  ADMIN_PATH,
  type AdminFrame,
  type AdminRequest,
  type CommandRunner,
  type TextSink,
} from "./admin-protocol.ts";
import { onRuntimeClose } from "./closers.ts";
import type { Runtime } from "./index.ts";

export interface LocalAdmin {
  /** Undefined when the runtime holds no data-directory lock (Postgres: the CLI connects itself). */
  readonly port: number | undefined;
  close(): Promise<void>;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > ADMIN_BODY_LIMIT) throw new ValidationError("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseRequest(body: Buffer): AdminRequest {
  const v = JSON.parse(body.toString("utf8")) as AdminRequest;
  if (!Array.isArray(v.argv) || !v.argv.every((a) => typeof a === "string")) {
    throw new ValidationError("argv must be an array of strings");
  }
  return v;
}

/**
 * Lets a second process (the CLI while the server runs) execute a CLI command inside this process,
 * which alone may open the embedded database. Listens on 127.0.0.1 only; the port and a random token
 * go into the data-directory lock file (mode 0600), so only the user who owns the data directory can
 * use it. Output streams back as NDJSON frames, then the exit code.
 */
export async function startLocalAdmin(rt: Runtime, runCommand: CommandRunner): Promise<LocalAdmin> {
  const lock = rt.lock;
  if (!lock) return { port: undefined, close: async () => {} };
  const token = randomBytes(32).toString("base64url");
  const expected = digest(`Bearer ${token}`);

  const server = createServer(async (req, res) => {
    res.on("error", () => {});
    if (req.method !== "POST" || req.url !== ADMIN_PATH) {
      res.writeHead(404).end();
      return;
    }
    if (!timingSafeEqual(digest(req.headers.authorization ?? ""), expected)) {
      res.writeHead(401, { "content-type": "text/plain" }).end("invalid admin token\n");
      return;
    }
    let input: AdminRequest;
    try {
      input = parseRequest(await readBody(req));
    } catch (e) {
      res.writeHead(400, { "content-type": "text/plain" }).end(`${(e as Error).message}\n`);
      return;
    }
    res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
    const send = (f: AdminFrame) => res.write(`${JSON.stringify(f)}\n`);
    const sink = (t: "stdout" | "stderr", tty: boolean): TextSink => ({
      write: (d: string) => send({ t, d }),
      isTTY: tty,
      ...(input.columns ? { columns: input.columns } : {}),
    });
    const files = input.files ?? {};
    let code: number;
    try {
      code = await runCommand(input.argv, {
        stdout: sink("stdout", false),
        stderr: sink("stderr", input.stderrTTY === true),
        files: {
          async read(path) {
            const data = files[path];
            if (data === undefined) throw new ValidationError(`file ${path} was not sent`);
            return Buffer.from(data, "base64");
          },
          async write(path, data) {
            send({ t: "file", path, data: Buffer.from(data).toString("base64") });
          },
        },
      });
    } catch (e) {
      send({ t: "stderr", d: `error: ${(e as Error).message}\n` });
      code = 1;
    }
    send({ t: "exit", code });
    res.end();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  lock.update({ port, token });

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      lock.update({ port: undefined, token: undefined });
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  onRuntimeClose(rt, close);
  return { port, close };
}

export interface AdminClientIo {
  stdout: TextSink;
  stderr: TextSink;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

/** Sends a command to a running server's admin channel; resolves with the command's exit code. */
export function callLocalAdmin(
  target: { port: number; token: string },
  req: AdminRequest,
  io: AdminClientIo,
): Promise<number> {
  const body = Buffer.from(JSON.stringify(req));
  return new Promise<number>((resolve, reject) => {
    const r = request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: ADMIN_PATH,
        method: "POST",
        headers: {
          authorization: `Bearer ${target.token}`,
          "content-type": "application/json",
          "content-length": body.length,
        },
      },
      async (res) => {
        if (res.statusCode !== 200) {
          const text = (await readBody(res).catch(() => Buffer.alloc(0))).toString().trim();
          reject(new Error(`local admin refused the command (${res.statusCode}): ${text}`));
          return;
        }
        let buf = "";
        let exit: number | undefined;
        const pending: Promise<void>[] = [];
        res.setEncoding("utf8");
        for await (const chunk of res) {
          buf += chunk as string;
          let nl = buf.indexOf("\n");
          while (nl >= 0) {
            const f = JSON.parse(buf.slice(0, nl)) as AdminFrame;
            buf = buf.slice(nl + 1);
            nl = buf.indexOf("\n");
            if (f.t === "stdout") io.stdout.write(f.d);
            else if (f.t === "stderr") io.stderr.write(f.d);
            else if (f.t === "file")
              pending.push(io.writeFile(f.path, Buffer.from(f.data, "base64")));
            else exit = f.code;
          }
        }
        try {
          await Promise.all(pending);
        } catch (e) {
          reject(e);
          return;
        }
        if (exit === undefined) reject(new Error("the server closed the admin channel early"));
        else resolve(exit);
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}
