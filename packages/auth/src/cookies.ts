export interface SessionCookie {
  name: string;
  value: string;
  attributes: {
    httpOnly: true;
    sameSite: "Lax";
    secure: boolean;
    path: "/";
    maxAge?: number;
  };
  /** The Set-Cookie header value. */
  serialize(): string;
}

const BASE_NAME = "zy_session";

/** The cookie name a request carries: `__Host-` binds it to this origin over https. */
export const sessionCookieName = (secure: boolean): string =>
  secure ? `__Host-${BASE_NAME}` : BASE_NAME;

/**
 * HttpOnly, SameSite=Lax, Path=/ and no Domain; Secure and the `__Host-` prefix over https. The
 * server enforces expiry; Max-Age only keeps the browser from holding a dead cookie.
 */
export function sessionCookie(
  value: string,
  opts: { secure: boolean; maxAgeSeconds?: number },
): SessionCookie {
  const attributes: SessionCookie["attributes"] = {
    httpOnly: true,
    sameSite: "Lax",
    secure: opts.secure,
    path: "/",
    ...(opts.maxAgeSeconds === undefined ? {} : { maxAge: Math.max(0, opts.maxAgeSeconds) }),
  };
  const name = sessionCookieName(opts.secure);
  return {
    name,
    value,
    attributes,
    serialize() {
      const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
      if (opts.secure) parts.push("Secure");
      if (attributes.maxAge !== undefined) parts.push(`Max-Age=${attributes.maxAge}`);
      return parts.join("; ");
    },
  };
}

/** Clears the session cookie (sign-out). */
export const blankSessionCookie = (opts: { secure: boolean }): SessionCookie =>
  sessionCookie("", { ...opts, maxAgeSeconds: 0 });

/** The session token from a Cookie header, by the name for this transport. */
export function readSessionCookie(header: string | undefined, secure: boolean): string | undefined {
  if (!header) return undefined;
  const name = sessionCookieName(secure);
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=") || undefined;
  }
  return undefined;
}
