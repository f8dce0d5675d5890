/**
 * The portal module (issue 7): working-day calendar, service-item catalogue, online applications
 * against statutory deadlines, certificates with public verification. Worker-safe: the staff and
 * application routes (uploads, PDFs) are `portalNodeModule` in `@zhengyun/portal/node`.
 */
import type { ApiModule } from "@zhengyun/http";
import { registerArticleReads } from "./routes/articles-public.ts";
import { registerPublicRoutes } from "./routes/public.ts";
import { registerQaRoute } from "./routes/service.ts";

export * from "./applications.ts";
export * from "./articles.ts";
export * from "./calendar.ts";
export * from "./catalogue.ts";
export * from "./certificates.ts";
export * from "./consultations.ts";
export * from "./context.ts";
export * from "./fees.ts";
export * from "./materials.ts";
export * from "./rating.ts";
export * from "./schema.ts";
export * from "./search-tokens.ts";
export * from "./workflow.ts";

export const portalModule: ApiModule = {
  name: "portal",
  register(app) {
    registerPublicRoutes(app);
    registerArticleReads(app);
    registerQaRoute(app);
  },
};
