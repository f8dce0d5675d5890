import type { CentreArea } from "./schema.ts";

const EARTH_RADIUS_M = 6_371_000;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceMeters(lat1: number, long1: number, lat2: number, long2: number): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(long2 - long1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Ray casting on [lat, long] vertices; centre areas are small enough to treat as planar. */
function inPolygon(lat: number, long: number, points: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [yi, xi] = points[i] ?? [0, 0];
    const [yj, xj] = points[j] ?? [0, 0];
    if (yi > lat !== yj > lat && long < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function areaContains(area: CentreArea, lat: number, long: number): boolean {
  return area.type === "radius"
    ? distanceMeters(area.lat, area.long, lat, long) <= area.meters
    : inPolygon(lat, long, area.points);
}
