import type { ApiModule } from "@zhengyun/http";
import { registerIngestEvents } from "./ingest-events.ts";
import { registerUsageSeries } from "./usage-series.ts";

export { INGEST_PATH, ingestEventsRoute } from "./ingest-events.ts";
export { SERIES_PATH, usageSeriesRoute } from "./usage-series.ts";

/**
 * The usage API (issue 4): `POST /api/v1/usage/events` for external sources with a `usage:write`
 * key, `GET /api/v1/usage` for finance, operators, tenant admins and `read` keys. Node only: API
 * keys and sessions are checked by @zhengyun/auth.
 */
export const usageModule: ApiModule = {
  name: "usage",
  register(app) {
    registerIngestEvents(app);
    registerUsageSeries(app);
  },
};
