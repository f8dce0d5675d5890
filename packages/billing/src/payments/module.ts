import type { ApiModule, App } from "@zhengyun/http";
import { registerExportRoutes } from "../exports/routes.ts";
import { registerIssueRoutes } from "../issue/routes.ts";
import { registerPaymentRoutes } from "./routes.ts";

/** Review, issue, credit notes, payments, Stripe webhook and exports (Node: PDF and Stripe SDK). */
export const billingPayApiModule: ApiModule = {
  name: "billing-pay",
  register(app: App) {
    registerIssueRoutes(app);
    registerPaymentRoutes(app);
    registerExportRoutes(app);
  },
};
