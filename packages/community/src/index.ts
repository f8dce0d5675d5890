/**
 * Community services (社区服务): centres from city to community, the service catalogue, resident
 * requests with SLAs and supervision, notices and appointments, and Open311 GeoReport v2.
 * Worker-safe: the Node-only escalation job lives in `@zhengyun/community/jobs`.
 */
import type { ApiModule } from "@zhengyun/http";
import { registerOpen311 } from "./open311/routes.ts";

export * from "./appointments.ts";
export * from "./attributes.ts";
export * from "./calendar.ts";
export * from "./centres.ts";
export * from "./context.ts";
export * from "./escalation.ts";
export * from "./handling.ts";
export * from "./history.ts";
export * from "./media.ts";
export * from "./notices.ts";
export { searchRequests } from "./open311/reads.ts";
export * from "./requests.ts";
export * from "./schema.ts";
export * from "./services.ts";
export * from "./views.ts";

export const communityModule: ApiModule = { name: "community", register: registerOpen311 };
