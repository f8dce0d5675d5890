import { createApp } from "@zhengyun/api";
import { type Clock, loadConfig } from "@zhengyun/core";
import { type Database, platformSchema } from "@zhengyun/db";
import type { ObjectStore } from "@zhengyun/storage";
import { webModule } from "@zhengyun/web";
import { eq } from "drizzle-orm";

type App = ReturnType<typeof createApp>;

/** The app with the web shell, as the Node server registers it, on a test database and clock. */
export function webApp(
  db: Database,
  clock: Clock,
  env: Record<string, string> = {},
  storage?: ObjectStore,
): App {
  const app = createApp({
    config: loadConfig({ NODE_ENV: "test", ...env }),
    db,
    ...(storage ? { storage } : {}),
    clock,
    logger: { info() {}, warn() {}, error() {} },
    isReady: () => true,
  });
  webModule.register(app);
  return app;
}

/** A tiny cookie jar for form journeys through app.request. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: App) {}

  async get(path: string, headers: Record<string, string> = {}) {
    return this.#send(path, { method: "GET", headers });
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.#send(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "http://localhost",
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  async #send(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await this.app.request(`http://localhost${path}`, {
      ...init,
      headers: { accept: "text/html", ...(cookie ? { cookie } : {}), ...init.headers },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const [k = "", ...v] = pair.split("=");
      const gone = attrs.some((a) => /max-age=0/i.test(a.trim()));
      if (gone || v.join("=") === "") this.cookies.delete(k.trim());
      else this.cookies.set(k.trim(), v.join("="));
    }
    return res;
  }
}

export async function userIdByEmail(db: Database, email: string): Promise<string | undefined> {
  const [u] = await db.orm
    .select({ id: platformSchema.users.id })
    .from(platformSchema.users)
    .where(eq(platformSchema.users.email, email));
  return u?.id;
}

/** The text of the first element with this class, e.g. a shown-once secret. */
export const textOf = (html: string, cls: string): string | undefined =>
  new RegExp(`class="${cls}"[^>]*>([^<]+)<`).exec(html)?.[1];
