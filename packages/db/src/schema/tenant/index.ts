export * from "./audit-chain.ts";
export * from "./core.ts";
