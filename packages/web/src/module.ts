import type { ApiModule, App } from "@zhengyun/http";
import type { PageDef } from "./page.ts";
import { registerPages } from "./page.ts";
import { accountPages, signInPages } from "./pages/auth.tsx";
import { financePages } from "./pages/finance.tsx";
import { financeOpsPages } from "./pages/finance-ops.tsx";
import { modulePages } from "./pages/modules.tsx";
import { offboardPages } from "./pages/offboard.tsx";
import { portalPages } from "./pages/portal.tsx";
import { supportPages } from "./pages/support.tsx";
import { tenantConsolePages } from "./pages/tenant.tsx";
import { tenantBillingPages } from "./pages/tenant-billing.tsx";
import { vendorPages } from "./pages/vendor.tsx";
import { shellHooks } from "./render.tsx";

const vendorHome = () => "/console/tenants";

/** The shell's own pages: sign-in for each place, the vendor console, tenant consoles, portal. */
export const shellPages: PageDef[] = [
  ...signInPages({ kind: "staff", form: "/", post: "/sign-in", home: vendorHome }),
  ...accountPages("", "/"),
  ...vendorPages,
  ...offboardPages,
  ...financePages,
  ...financeOpsPages,
  ...signInPages({
    kind: "staff",
    form: "/t/{tenant}/console/sign-in",
    post: "/t/{tenant}/console/sign-in",
    home: (p) => `/t/${p.tenant?.slug}/console`,
  }),
  ...accountPages("/t/{tenant}/console", "/t/{tenant}/console/sign-in"),
  ...signInPages({
    kind: "citizen",
    form: "/t/{tenant}/sign-in",
    post: "/t/{tenant}/sign-in",
    home: (p) => `/t/${p.tenant?.slug}/`,
  }),
  ...accountPages("/t/{tenant}", "/t/{tenant}/sign-in"),
  ...portalPages,
  ...tenantConsolePages,
  ...tenantBillingPages,
  ...supportPages,
  ...modulePages,
];

/** Module packages add their pages to the shell through this (same guards, layout, registry). */
export function addPages(app: App, pages: PageDef[]): void {
  registerPages(app, pages, shellHooks);
}

/** The web console and portal as an ApiModule (Node only: sign-in hashes with argon2). */
export const webModule: ApiModule = {
  name: "web",
  register(app) {
    addPages(app, shellPages);
  },
};
