import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "@zhengyun/api/server";
import { loadConfig } from "@zhengyun/core";
import { bootRuntime, type Runtime } from "@zhengyun/runtime";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(import.meta.dirname, "..", "artifacts");

/**
 * Whether the browser suites can run here. Without chromium a newcomer's machine says so plainly;
 * under CI a missing browser is a failure.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === "true")
    throw new Error(`CI=true but ${CHROMIUM} is missing: the browser suites must run`);
  process.stderr.write(
    `\nNOT RUN: browser suites (install chromium: apt-get install -y chromium)\n\n`,
  );
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives each launch a fresh temporary profile (user-data dir).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on the page (WCAG 2.1 A/AA rules); returns serious and critical violations. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at runtime
    const g = globalThis as any;
    const r = await g.axe.run(g.document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations;
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Saves a screenshot of this step under tests/artifacts/browser/. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = join(ARTIFACTS, "browser");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/**
 * Every page a journey visits passes axe (no serious or critical violation) and is kept as a
 * screenshot under tests/artifacts/browser/.
 */
export async function step(page: Page, name: string): Promise<void> {
  await shot(page, name);
  const violations = await axeSerious(page);
  expect(
    violations.map(
      (v) => `${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    ),
    name,
  ).toEqual([]);
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  rt: Runtime;
  browser: Browser;
  /** A fresh browser context (its own cookies) and page, in zh-CN unless asked. */
  page(opts?: { locale?: string; acceptDownloads?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A real server (PGlite in a temporary DATA_DIR, jobs off, silent) and one chromium, as every
 * browser suite needs them. `demo` seeds the demo tenants and accounts (the slow part on a busy
 * 2-core machine); `boot` runs once the runtime is up, before the server listens (accounts, data).
 */
export async function startDemoServer(
  opts: { name: string; demo?: boolean; boot?: (rt: Runtime) => Promise<void> } = { name: "web" },
): Promise<DemoServer> {
  const dir = mkdtempSync(join(tmpdir(), `zy-browser-${opts.name}-`));
  let rt: Runtime | undefined;
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      DATA_DIR: dir,
      PORT: "0",
      HOST: "127.0.0.1",
      DEMO: opts.demo === false ? "false" : "true",
      JOBS: "off",
      LOG_LEVEL: "silent",
    });
    server = await startServer({
      config,
      logger: { info() {}, warn() {}, error() {} },
      print: () => {},
      async boot(cfg) {
        rt = await bootRuntime({ mode: "server", config: cfg });
        await opts.boot?.(rt);
        return rt;
      },
    });
    await server.ready;
    browser = await launch();
  } catch (e) {
    await close();
    throw e;
  }
  const b = browser;
  return {
    url: server.url,
    rt: rt as Runtime,
    browser: b,
    async page(o = {}) {
      const ctx = await b.newContext({
        locale: o.locale ?? "zh-CN",
        ...(o.acceptDownloads ? { acceptDownloads: true } : {}),
      });
      return ctx.newPage();
    },
    close,
  };
}
