export * from "./audit.ts";
export * from "./schema.ts";
export * from "./tenants.ts";
export * from "./usage.ts";
