import type { Node } from "./format.ts";

/** When this endpoint's behaviour last changed (the discovery document's changeset). */
const CHANGESET = "2026-11-27 00:00";

export function discovery(origin: string, slug: string): Node {
  return {
    changeset: CHANGESET,
    contact: "社区服务中心 Community service centres",
    key_service: "API keys are issued by the tenant administrator (scope open311).",
    endpoints: [
      {
        specification: "http://wiki.open311.org/GeoReport_v2",
        url: `${origin}/t/${slug}/open311/v2`,
        changeset: CHANGESET,
        type: "production",
        formats: ["text/xml", "application/json"],
      },
    ],
  };
}
