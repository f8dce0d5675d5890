import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  casing: "snake_case",
  schema: [
    "./src/schema/tenant/index.ts",
    "../medical-insurance/src/schema.ts",
    "../community/src/schema.ts",
    "../portal/src/schema.ts",
  ],
  out: "./migrations/tenant",
});
