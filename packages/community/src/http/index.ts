import type { App } from "@zhengyun/http";
import { registerResidentRoutes } from "./resident.ts";
import { registerStaffRoutes } from "./staff.ts";

/** The staff console's and residents' JSON routes (`/t/{tenant}/api/v1/community/…`). */
export function registerCommunityRoutes(app: App): void {
  registerStaffRoutes(app);
  registerResidentRoutes(app);
}
