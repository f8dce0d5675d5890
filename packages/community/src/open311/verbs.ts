import { NotFoundError, ValidationError } from "@zhengyun/core";
import { withTenant } from "@zhengyun/tenancy";
import type { CsCtx } from "../context.ts";
import { nowOf } from "../context.ts";
import { type Submitted, submitRequest } from "../requests.ts";
import { findService, listServices } from "../services.ts";
import type { Node } from "./format.ts";
import { type RequestQuery, requestByToken, searchRequests, searchUpdates } from "./reads.ts";

/** The GeoReport read and write verbs the routes adapt; each runs in one tenant transaction. */

/** The read verbs' scopes: read-only (Postgres refuses a write; no wait for COMMIT). */
const readOnly = { readOnly: true };

export async function serviceList(ctx: CsCtx, en: boolean): Promise<Node[]> {
  const rows = await withTenant(ctx.db, ctx.tenant, listServices, readOnly);
  return rows.map((s) => ({
    service_code: s.code,
    service_name: en ? s.nameEn : s.nameZh,
    description: s.description,
    metadata: s.attributes.length > 0,
    type: "realtime",
    keywords: s.keywords ?? null,
    group: s.group,
  }));
}

export async function serviceDefinition(ctx: CsCtx, code: string): Promise<Node> {
  const s = await withTenant(ctx.db, ctx.tenant, (tx) => findService(tx, code), readOnly);
  if (!s) throw new NotFoundError(`service_code ${code} was not found`);
  const attributes = [...s.attributes]
    .sort((a, b) => a.order - b.order)
    .map((a) => ({
      variable: a.variable,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatypeDescription,
      order: a.order,
      description: a.description,
      values: a.values.map((v) => ({ key: v.key, name: v.name })),
    }));
  return { service_code: s.code, attributes };
}

export const listRequests = (ctx: CsCtx, q: RequestQuery, en: boolean) =>
  withTenant(ctx.db, ctx.tenant, (tx) => searchRequests(tx, q, nowOf(ctx), en), readOnly);

export async function oneRequest(ctx: CsCtx, id: string, en: boolean): Promise<Node[]> {
  const n = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
  const found = n ? await listRequests(ctx, { ids: [n] }, en) : [];
  if (found.length === 0) throw new NotFoundError(`service_request_id ${id} was not found`);
  return found;
}

export async function tokenLookup(ctx: CsCtx, token: string): Promise<Node[]> {
  const id = await withTenant(ctx.db, ctx.tenant, (tx) => requestByToken(tx, token), readOnly);
  if (!id) throw new NotFoundError(`token ${token} was not found`);
  return [{ service_request_id: id, token }];
}

export const listUpdates = (ctx: CsCtx, en: boolean, start?: Date, end?: Date) =>
  withTenant(ctx.db, ctx.tenant, (tx) => searchUpdates(tx, nowOf(ctx), start, end, en), readOnly);

/** Form fields of a GeoReport POST, with attribute[CODE] and repeated attribute[CODE][]. */
export function readForm(form: URLSearchParams) {
  const attributes: Record<string, string | string[]> = {};
  for (const [k, v] of form) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(k);
    if (!m?.[1]) continue;
    if (m[2]) attributes[m[1]] = [...((attributes[m[1]] as string[] | undefined) ?? []), v];
    else attributes[m[1]] = v;
  }
  const text = (k: string) => form.get(k)?.trim() || undefined;
  const num = (k: string) => {
    const v = text(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n))
      throw new ValidationError(`${k} is not a number`, [{ path: k, message: "not a number" }]);
    return n;
  };
  const contact: Record<string, string> = {};
  for (const k of ["email", "first_name", "last_name", "phone", "device_id", "account_id"]) {
    const v = text(k);
    if (v) contact[k] = v;
  }
  if (!text("service_code")) {
    throw new ValidationError("service_code was not provided", [
      { path: "service_code", message: "required" },
    ]);
  }
  return {
    serviceCode: text("service_code"),
    description: text("description"),
    lat: num("lat"),
    long: num("long"),
    address: text("address_string"),
    addressId: text("address_id"),
    mediaUrl: text("media_url"),
    contact,
    attributes,
  };
}

export async function createFromForm(ctx: CsCtx, form: URLSearchParams): Promise<Node[]> {
  const input = readForm(form);
  const done: Submitted = await submitRequest({ ctx, input: { ...input, channel: "open311" } });
  return [
    {
      service_request_id: done.id,
      service_notice: done.serviceNotice,
      account_id: input.contact.account_id ?? null,
    },
  ];
}
