/*
 * The part of @zhengyun/jobs that business code calls inside its tenant transactions. No Node-only
 * imports, so modules served by the Workers entry can use it.
 */
export * from "./delivery.ts";
export * from "./notifications.ts";
export * from "./usage.ts";
export * from "./usage-sink.ts";
