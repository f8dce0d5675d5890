import type { ApiModule, App } from "@zhengyun/http";
import { registerCatalog } from "./catalog.ts";
import { registerInvoiceViews } from "./invoices.ts";
import { registerRuns } from "./runs.ts";
import { registerSubscriptions } from "./subscriptions.ts";

export { catalogRoutes, retireEquipmentRoute } from "./catalog.ts";
export * from "./invoices.ts";
export * from "./runs.ts";
export * from "./subscriptions.ts";

/** Billing's HTTP surface (Node list: runs are long, control-plane work). */
export const billingApiModule: ApiModule = {
  name: "billing",
  register(app: App) {
    registerCatalog(app);
    registerSubscriptions(app);
    registerRuns(app);
    registerInvoiceViews(app);
  },
};
