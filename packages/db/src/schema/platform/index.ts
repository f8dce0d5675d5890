export * from "./audit.ts";
export * from "./identity.ts";
export * from "./identity-access.ts";
export * from "./metering.ts";
export * from "./schema.ts";
export * from "./tenants.ts";
export * from "./usage.ts";
