export * from "./destroy.ts";
export * from "./provision.ts";
export * from "./template.ts";
