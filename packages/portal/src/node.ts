/** Node-only part of the portal: application and staff routes (uploads, certificate PDFs). */
import type { ApiModule } from "@zhengyun/http";
import { addPages } from "@zhengyun/web";
import { applyPages } from "./pages/apply.tsx";
import { articlePages } from "./pages/articles.tsx";
import { cataloguePages } from "./pages/catalogue.tsx";
import { citizenPages } from "./pages/citizen.tsx";
import { editorialPages } from "./pages/editorial.tsx";
import { publicPages } from "./pages/public.tsx";
import { servicePages } from "./pages/service.tsx";
import { staffPages } from "./pages/staff.tsx";
import { trackPages } from "./pages/track.tsx";
import { registerApplicationRoutes } from "./routes/applications.ts";
import { registerArticleStaff } from "./routes/articles-staff.ts";
import { registerServiceRoutes } from "./routes/service.ts";
import { registerStaffRoutes } from "./routes/staff.ts";

export { renderCertificatePdf } from "./certificate-pdf.ts";
export type { ApplicationView } from "./routes/applications.ts";

export const portalNodeModule: ApiModule = {
  name: "portal-staff",
  register(app) {
    registerApplicationRoutes(app);
    registerStaffRoutes(app);
    registerArticleStaff(app);
    registerServiceRoutes(app);
    addPages(app, [
      ...publicPages,
      ...citizenPages,
      ...applyPages,
      ...trackPages,
      ...staffPages,
      ...servicePages,
      ...editorialPages,
      ...articlePages,
      ...cataloguePages,
    ]);
  },
};
