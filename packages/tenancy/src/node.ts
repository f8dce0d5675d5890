export * from "./provision.ts";
export * from "./template.ts";
export * from "./destroy.ts";
