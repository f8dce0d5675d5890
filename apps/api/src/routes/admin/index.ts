import type { ApiModule, App } from "@zhengyun/http";
import { registerAccountAdmin } from "./accounts.ts";
import { registerApiKeyAdmin } from "./api-keys.ts";
import { registerSupportAdmin } from "./support.ts";
import { registerTenantAdmin } from "./tenants.ts";

/**
 * Administration over HTTP (Node only: identity verbs hash with argon2): tenants' lifecycle and
 * support access for operators; API keys, support decisions and accounts for tenant admins and
 * security admins; vendor staff accounts for the vendor's security admin.
 */
export const adminModule: ApiModule = {
  name: "admin",
  register(app: App) {
    registerTenantAdmin(app);
    registerSupportAdmin(app);
    registerApiKeyAdmin(app);
    registerAccountAdmin(app);
  },
};
