export * from "./clock.ts";
export * from "./config.ts";
export * from "./errors.ts";
export * from "./ids.ts";
export type { Secrets } from "./secrets.ts";
export * from "./slug.ts";
export * from "./working-days.ts";
