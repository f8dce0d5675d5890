export * from "./databases.ts";
export * from "./tenants.ts";
