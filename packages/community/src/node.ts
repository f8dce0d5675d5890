/**
 * The community module's staff and resident surfaces: JSON routes and the console/portal pages.
 * Node only, because the pages belong to the web shell (which signs in with argon2).
 */
import type { ApiModule } from "@zhengyun/http";
import { addPages } from "@zhengyun/web";
import { registerCommunityRoutes } from "./http/index.ts";
import { communityPages } from "./pages/index.ts";

export const communityNodeModule: ApiModule = {
  name: "community-web",
  register(app) {
    registerCommunityRoutes(app);
    addPages(app, communityPages);
  },
};
