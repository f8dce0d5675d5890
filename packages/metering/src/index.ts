export * from "./catalog.ts";
export * from "./counter.ts";
export * from "./ingest.ts";
export * from "./late.ts";
export * from "./schemas.ts";
export * from "./series.ts";
export * from "./snapshot.ts";
export { shanghaiDay, TIME_ZONE } from "./time.ts";
export {
  DEFAULT_LATE_WINDOW_DAYS,
  MAX_BATCH,
  MAX_FUTURE_MS,
  type UsageEventInput,
} from "./validate.ts";
