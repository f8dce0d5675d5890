import type { App } from "@zhengyun/http";
import { registerCreateTenant } from "./create-tenant.ts";

/** Vendor routes that need Node (provisioning runs template migrations from files). */
export function registerVendorRoutes(app: App): void {
  registerCreateTenant(app);
}
