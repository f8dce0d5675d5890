import { communityModule } from "@zhengyun/community";
import type { ApiModule } from "@zhengyun/http";
import { portalModule } from "@zhengyun/portal";

/** Modules whose routes also run on Workers (public, read-mostly surfaces). */
export const workerModules: ApiModule[] = [communityModule, portalModule];
