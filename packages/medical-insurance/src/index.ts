import type { ApiModule } from "@zhengyun/http";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerPersonRoutes } from "./routes/persons.ts";
import { registerSettlementRoutes } from "./routes/settlements.ts";

export * from "./batch.ts";
export * from "./batch-parse.ts";
export * from "./claim.ts";
export * from "./clearing.ts";
export * from "./context.ts";
export * from "./contributions.ts";
export * from "./engine.ts";
export * from "./import.ts";
export * from "./institutions.ts";
export * from "./national-id.ts";
export * from "./parameters.ts";
export * from "./params.ts";
export * from "./persons.ts";
export * from "./review.ts";
export {
  type SettlementDetailResponse,
  type SettlementResponse,
  settlementDetailSchema,
  settlementSchema,
} from "./routes/settlements.ts";
export * from "./schema.ts";
export * from "./settle.ts";
export * from "./settlement-detail.ts";

/** The medical insurance module (issue 8): register, parameters, settlement, review, clearing. */
export const medicalModule: ApiModule = {
  name: "medical-insurance",
  register(app) {
    registerSettlementRoutes(app);
    registerPersonRoutes(app);
    registerAdminRoutes(app);
  },
};
