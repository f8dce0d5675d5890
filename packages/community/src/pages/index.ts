import type { PageDef } from "@zhengyun/web";
import { residentPages } from "./resident.tsx";
import { residentAreaPages } from "./resident-area.tsx";
import { staffCataloguePages } from "./staff-catalogue.tsx";
import { staffCentrePages } from "./staff-centres.tsx";
import { staffIntakePages } from "./staff-intake.tsx";
import { staffNoticePages } from "./staff-notices.tsx";
import { staffRequestPages } from "./staff-requests.tsx";
import { staffSlotPages } from "./staff-slots.tsx";

/** Residents' pages in the portal and staff pages in the tenant console. */
export const communityPages: PageDef[] = [
  ...residentPages,
  ...residentAreaPages,
  ...staffRequestPages,
  ...staffIntakePages,
  ...staffCentrePages,
  ...staffCataloguePages,
  ...staffSlotPages,
  ...staffNoticePages,
];
