export * from "./context.ts";
export * from "./lifecycle.ts";
export * from "./names.ts";
export * from "./names-free.ts";
export * from "./resolve.ts";
