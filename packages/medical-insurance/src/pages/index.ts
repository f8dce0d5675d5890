/**
 * The medical-insurance officer's pages in the tenant console (mi:read to look, mi:write to act).
 * Node only, like the shell they belong to (its sign-in hashes with argon2).
 */
import type { ApiModule } from "@zhengyun/http";
import { addPages, type PageDef } from "@zhengyun/web";
import { batchPages } from "./batch.tsx";
import { clearingPages } from "./clearing.tsx";
import { institutionPages } from "./institutions.tsx";
import { parameterPages } from "./parameters.tsx";
import { personPages } from "./persons.tsx";
import { reversePages } from "./reverse.tsx";
import { reviewPages } from "./reviews.tsx";
import { settlePages } from "./settle.tsx";
import { settlementPages } from "./settlement.tsx";

export const medicalPages: PageDef[] = [
  ...personPages,
  ...settlePages,
  ...settlementPages,
  ...reversePages,
  ...reviewPages,
  ...institutionPages,
  ...parameterPages,
  ...batchPages,
  ...clearingPages,
];

export const medicalPagesModule: ApiModule = {
  name: "medical-insurance-web",
  register(app) {
    addPages(app, medicalPages);
  },
};
