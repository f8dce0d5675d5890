import type { App } from "./route.ts";

/*
 * Routes that need a body limit of their own (a day's batch file is far larger than any form or
 * JSON request). The app's global limit middleware asks here first; everything else keeps the
 * global BODY_LIMIT_BYTES.
 */
interface Entry {
  method: string;
  pattern: RegExp;
  maxSize: number;
}
const limits = new WeakMap<App, Entry[]>();

/** `path` is the route's OpenAPI template (`/t/{tenant}/api/v1/…`). */
export function setRouteBodyLimit(app: App, method: string, path: string, maxSize: number): void {
  const source = path
    .split(/\{[^}]+\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  const list = limits.get(app) ?? [];
  list.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), maxSize });
  limits.set(app, list);
}

/** The route's own limit for this request, if it declared one. */
export function routeBodyLimit(app: App, method: string, path: string): number | undefined {
  return limits.get(app)?.find((e) => e.method === method && e.pattern.test(path))?.maxSize;
}
