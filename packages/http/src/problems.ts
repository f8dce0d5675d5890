import { type ErrorCode, errorStatus, type FieldIssue, isDomainError } from "@zhengyun/core";
import { HTTPException } from "hono/http-exception";

/** Problem codes: the domain's error codes plus a few that only HTTP has. */
export type ProblemCode = ErrorCode | "invalid_json" | "not_ready";

interface ProblemInfo {
  status: number;
  title: string;
  /** Short explanation for people, shown on /problems/<code> and HTML error pages. */
  zh: string;
}

export const problemCatalog: Record<ProblemCode, ProblemInfo> = {
  validation: {
    status: 400,
    title: "Invalid request",
    zh: "请求内容不符合要求，请检查标出的字段。",
  },
  invalid_json: { status: 400, title: "Malformed JSON", zh: "请求体不是合法的 JSON。" },
  unauthenticated: {
    status: 401,
    title: "Authentication required",
    zh: "请先登录或提供有效的凭证。",
  },
  forbidden: { status: 403, title: "Forbidden", zh: "您没有执行此操作的权限。" },
  not_found: { status: 404, title: "Not found", zh: "找不到您要访问的资源。" },
  conflict: { status: 409, title: "Conflict", zh: "请求与当前状态冲突，例如名称已被占用。" },
  precondition_failed: { status: 412, title: "Precondition failed", zh: "前置条件不满足。" },
  payload_too_large: { status: 413, title: "Payload too large", zh: "请求体超过了允许的大小。" },
  unsupported_media_type: {
    status: 415,
    title: "Unsupported media type",
    zh: "该接口不接受此内容类型（Content-Type）。",
  },
  locked: { status: 423, title: "Locked", zh: "该单位的服务已暂停，数据仍然保留。" },
  limit_exceeded: {
    status: 429,
    title: "Too many requests",
    zh: "请求过于频繁或超出配额，请稍后再试。",
  },
  internal: {
    status: 500,
    title: "Internal server error",
    zh: "服务器内部错误，请稍后再试并提供请求编号。",
  },
  not_ready: { status: 503, title: "Service not ready", zh: "服务正在启动或数据库暂不可用。" },
};

export const problemCodes = Object.keys(problemCatalog) as ProblemCode[];
export const problemType = (code: ProblemCode): string => `/problems/${code}`;

/** An error only the HTTP layer raises (malformed JSON, not ready); domain code uses DomainError. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

const codeByStatus = new Map<number, ProblemCode>(
  (Object.entries(errorStatus) as [ErrorCode, number][]).map(([c, s]) => [s, c]),
);
codeByStatus.set(503, "not_ready");

function classify(err: unknown): {
  code: ProblemCode;
  detail: string;
  errors?: FieldIssue[];
  extra?: Record<string, unknown>;
} {
  if (isDomainError(err)) {
    return {
      code: err.code,
      detail: err.message,
      ...(err.issues ? { errors: err.issues } : {}),
      ...(err.extra ? { extra: err.extra } : {}),
    };
  }
  if (err instanceof HttpProblem) return { code: err.code, detail: err.message, extra: err.extra };
  // Hono's own exceptions (e.g. from validators); their messages are written for clients.
  if (err instanceof HTTPException && err.status < 500) {
    const code = codeByStatus.get(err.status) ?? "validation";
    return { code, detail: err.message || problemCatalog[code].title };
  }
  return { code: "internal", detail: "An unexpected error occurred." };
}

/** The one mapping from anything thrown to an RFC 9457 problem document. */
export function toProblem(err: unknown, instance: string, requestId: string): Problem {
  const { code, detail, errors, extra } = classify(err);
  const info = problemCatalog[code];
  const { retryAfter, ...rest } = extra ?? {};
  return {
    ...rest,
    type: problemType(code),
    title: info.title,
    status: info.status,
    detail,
    instance,
    requestId,
    ...(errors ? { errors } : {}),
    ...(typeof retryAfter === "number" ? { retryAfter } : {}),
  };
}

/** True when the client ranks text/html above JSON (a browser), per the Accept header. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = -1;
  let json = -1;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (type === "text/html" || type === "application/xhtml+xml") html = Math.max(html, q);
    if (type.endsWith("/json") || type.endsWith("+json")) json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

export const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

/** A small self-contained page (no external assets): government intranets have no internet. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.6}code,pre{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}pre{padding:.6rem;overflow:auto}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}.muted{color:#6b7280}table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left}</style></head><body>${body}</body></html>`;
}

export function problemHtml(p: Problem): string {
  const code = p.type.replace("/problems/", "") as ProblemCode;
  const info = problemCatalog[code] ?? problemCatalog.internal;
  const fields = p.errors?.length
    ? `<ul>${p.errors.map((e) => `<li><code>${escapeHtml(e.path)}</code>：${escapeHtml(e.message)}</li>`).join("")}</ul>`
    : "";
  return htmlPage(
    `${p.status} ${p.title}`,
    `<h1>${p.status} · ${escapeHtml(info.zh)}</h1><p>${escapeHtml(p.detail)}</p>${fields}<p class="muted">请求编号：<code>${escapeHtml(p.requestId)}</code></p><p class="muted"><a href="${escapeHtml(p.type)}">关于此错误</a></p>`,
  );
}

/** Renders a problem as problem+json, or as HTML when the client prefers it. */
export function problemResponse(
  p: Problem,
  accept: string | undefined,
  requestId: string,
): Response {
  const headers = new Headers({ "X-Request-Id": requestId });
  if (typeof p.retryAfter === "number") headers.set("Retry-After", String(Math.ceil(p.retryAfter)));
  if (prefersHtml(accept)) {
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(problemHtml(p), { status: p.status, headers });
  }
  headers.set("Content-Type", "application/problem+json");
  return new Response(JSON.stringify(p), { status: p.status, headers });
}
