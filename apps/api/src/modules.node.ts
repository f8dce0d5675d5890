import type { ApiModule } from "@zhengyun/http";
import { registerVendorRoutes } from "./routes/vendor/index.ts";

/** Modules registered by the Node server only (they need Node APIs or provisioning). */
export const nodeModules: ApiModule[] = [{ name: "vendor", register: registerVendorRoutes }];
