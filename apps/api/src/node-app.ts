import type { ApiModule, App, AppDeps } from "@zhengyun/http";
import { createApp } from "./app.ts";
import { nodeModules } from "./modules.node.ts";

/**
 * The app as the Node server serves it: the Worker-safe app, then `first` (the identity routes,
 * which need the server's Identity), then every Node-only module. Tests that must see every route
 * (the route × role matrix) build it here, the same way the server does.
 */
export function createNodeApp(deps: AppDeps, first: ApiModule[] = []): App {
  const app = createApp(deps);
  for (const m of [...first, ...nodeModules]) m.register(app);
  return app;
}
