import type { App, AppDeps } from "@zhengyun/http";
import { createApp } from "./app.ts";
import { nodeModules } from "./modules.node.ts";

/**
 * The app as the Node server serves it: the Worker-safe app plus every Node-only module. Tests that
 * must see every route (the route × role matrix) build it here, the same way the server does.
 */
export function createNodeApp(deps: AppDeps): App {
  const app = createApp(deps);
  for (const m of nodeModules) m.register(app);
  return app;
}
