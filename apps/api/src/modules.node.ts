import { billingApiModule } from "@zhengyun/billing/http";
import { billingPayApiModule } from "@zhengyun/billing/payments";
import { communityNodeModule } from "@zhengyun/community/node";
import type { ApiModule } from "@zhengyun/http";
import { medicalModule } from "@zhengyun/medical-insurance";
import { medicalPagesModule } from "@zhengyun/medical-insurance/pages";
import { usageModule } from "@zhengyun/metering/http";
import { portalNodeModule } from "@zhengyun/portal/node";
import { webModule } from "@zhengyun/web";
import { adminModule } from "./routes/admin/index.ts";
import { auditModule } from "./routes/audit/index.ts";
import { registerVendorRoutes } from "./routes/vendor/index.ts";

/** Modules registered by the Node server only (they need Node APIs or provisioning). */
export const nodeModules: ApiModule[] = [
  { name: "vendor", register: registerVendorRoutes },
  usageModule,
  adminModule,
  auditModule,
  webModule,
  medicalModule,
  medicalPagesModule,
  billingApiModule,
  billingPayApiModule,
  portalNodeModule,
  communityNodeModule,
];
