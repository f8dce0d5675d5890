import { ValidationError } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { and, desc, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import { historyText, noteText } from "../history.ts";
import {
  csCentres,
  csRequests,
  csRequestUpdates,
  csServices,
  type RequestState,
} from "../schema.ts";
import type { Node } from "./format.ts";
import { w3c } from "./format.ts";

export const MAX_WINDOW_DAYS = 90;
export const MAX_RESULTS = 1000;
const DAY_MS = 86_400_000;

export interface RequestQuery {
  ids?: number[];
  serviceCodes?: string[];
  status?: ("open" | "closed")[];
  start?: Date;
  end?: Date;
}

const OPEN: RequestState[] = ["received", "dispatched", "in_progress", "replied"];

const NOTES: Record<RequestState, string> = {
  received: "已受理 Received",
  dispatched: "已派单 Dispatched to the handling centre",
  in_progress: "办理中 In progress",
  replied: "已答复 Replied; waiting for the resident's rating",
  closed: "已办结 Closed",
};

/**
 * The date window: at most 90 days; a missing end is start + 90 days, a missing start is
 * end − 90 days, neither means the last 90 days.
 */
export function window(now: Date, start?: Date, end?: Date): { start: Date; end: Date } {
  const e = end ?? (start ? new Date(start.getTime() + MAX_WINDOW_DAYS * DAY_MS) : now);
  const s = start ?? new Date(e.getTime() - MAX_WINDOW_DAYS * DAY_MS);
  if (s > e) throw new ValidationError("start_date is after end_date");
  if (e.getTime() - s.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw new ValidationError(`The date window is longer than ${MAX_WINDOW_DAYS} days`);
  }
  return { start: s, end: e };
}

const columns = {
  r: csRequests,
  serviceNameZh: csServices.nameZh,
  serviceNameEn: csServices.nameEn,
  agency: csCentres.name,
};
type Hit = {
  r: typeof csRequests.$inferSelect;
  serviceNameZh: string | null;
  serviceNameEn: string | null;
  agency: string | null;
};

function view(h: Hit, en: boolean): Node {
  const r = h.r;
  const status = r.state === "closed" ? "closed" : "open";
  const notes =
    r.mergedInto !== null
      ? historyText(
          { key: "history.duplicate", params: { into: r.mergedInto } },
          en ? "en" : "zh-CN",
        )
      : `${NOTES[r.state]}${r.escalations > 0 ? ` · 督办 escalated ${r.escalations}×` : ""}`;
  return {
    service_request_id: String(r.id),
    status,
    status_notes: notes,
    service_name: (en ? h.serviceNameEn : h.serviceNameZh) ?? null,
    service_code: r.serviceCode,
    description: r.description,
    agency_responsible: h.agency,
    service_notice: null,
    requested_datetime: w3c(r.requestedAt),
    updated_datetime: w3c(r.updatedAt),
    expected_datetime: status === "open" ? w3c(r.dueAt) : null,
    address: r.address,
    address_id: r.addressId,
    zipcode: r.zipcode,
    lat: r.lat,
    long: r.long,
    media_url: r.mediaUrl,
  };
}

/** GET requests: by ids (other filters ignored, as the spec says) or by the filters and window. */
export async function searchRequests(
  tx: Tx,
  q: RequestQuery,
  now: Date,
  en = false,
): Promise<Node[]> {
  const where: (SQL | undefined)[] = [];
  if (q.ids?.length) where.push(inArray(csRequests.id, q.ids));
  else {
    const w = window(now, q.start, q.end);
    where.push(gte(csRequests.requestedAt, w.start), lte(csRequests.requestedAt, w.end));
    if (q.serviceCodes?.length) where.push(inArray(csRequests.serviceCode, q.serviceCodes));
    const st = new Set(q.status ?? []);
    if (st.size === 1) {
      where.push(st.has("open") ? inArray(csRequests.state, OPEN) : eq(csRequests.state, "closed"));
    }
  }
  const rows = await tx
    .select(columns)
    .from(csRequests)
    .leftJoin(csServices, eq(csServices.code, csRequests.serviceCode))
    .leftJoin(csCentres, eq(csCentres.id, csRequests.centreId))
    .where(and(...where))
    // requested_at alone, so the (service_code, requested_at) index yields the order and the scan
    // stops at the limit instead of sorting every match in the window.
    .orderBy(desc(csRequests.requestedAt))
    .limit(MAX_RESULTS);
  return rows.map((h) => view(h, en));
}

export async function requestByToken(tx: Tx, token: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: csRequests.id })
    .from(csRequests)
    .where(eq(csRequests.token, token));
  return row ? String(row.id) : undefined;
}

/**
 * FixMyStreet's servicerequestupdates: the public status changes and client comments in the
 * window, system notes in the reader's language.
 */
export async function searchUpdates(
  tx: Tx,
  now: Date,
  start?: Date,
  end?: Date,
  en = false,
): Promise<Node[]> {
  const w = window(now, start, end);
  const rows = await tx
    .select()
    .from(csRequestUpdates)
    .where(and(gte(csRequestUpdates.at, w.start), lte(csRequestUpdates.at, w.end)))
    .orderBy(csRequestUpdates.at, csRequestUpdates.id)
    .limit(MAX_RESULTS);
  return rows.map((u) => ({
    update_id: String(u.id),
    service_request_id: String(u.requestId),
    status: u.state === "closed" ? "closed" : "open",
    description: noteText(u, en ? "en" : "zh-CN"),
    updated_datetime: w3c(u.at),
    external_status_code: u.state,
    // Only when there is one: an empty element reads as a value to some XML clients.
    ...(u.mediaUrl ? { media_url: u.mediaUrl } : {}),
  }));
}
