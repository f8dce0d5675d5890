/*
 * GeoReport v2 output: JSON as plain arrays/objects, XML in the spec's element shapes (a list is a
 * plural element holding singular ones, e.g. <values><value>…). Times are W3C datetimes in
 * Asia/Shanghai (+08:00), the time residents read.
 */

export type Format = "json" | "xml";
type Scalar = string | number | boolean | null;
export type Node = Scalar | Node[] | { [k: string]: Node };

const SINGULAR: Record<string, string> = {
  services: "service",
  service_requests: "request",
  service_requests_updates: "request_update",
  service_request_updates: "request_update",
  attributes: "attribute",
  values: "value",
  endpoints: "endpoint",
  formats: "format",
  errors: "error",
};

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[ch]};`,
  );

function element(name: string, value: Node): string {
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const child = SINGULAR[name] ?? "item";
    return `<${name}>${value.map((v) => element(child, v)).join("")}</${name}>`;
  }
  if (typeof value === "object") {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v))
      .join("");
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${esc(String(value))}</${name}>`;
}

export function toXml(root: string, value: Node): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}`;
}

export const contentType = (f: Format) =>
  f === "xml" ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";

/** A GeoReport response in the asked format; `root` names the XML document element. */
export function render(format: Format, root: string, value: Node, status = 200): Response {
  const body = format === "xml" ? toXml(root, value) : JSON.stringify(value);
  return new Response(body, { status, headers: { "Content-Type": contentType(format) } });
}

const SHANGHAI_MS = 8 * 3_600_000;

/** `2026-11-27T22:56:25+08:00`. */
export function w3c(d: Date | null): string | null {
  if (!d) return null;
  const local = new Date(d.getTime() + SHANGHAI_MS).toISOString().slice(0, 19);
  return `${local}+08:00`;
}

/** The spec's error document: a list of {code, description}. */
export function errorResponse(format: Format, status: number, messages: string[]): Response {
  const list = messages.map((description) => ({ code: status, description }));
  return render(format, "errors", list, status);
}

export const formatOf = (path: string): Format => (path.endsWith(".xml") ? "xml" : "json");
