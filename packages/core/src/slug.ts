import { ValidationError } from "./errors.ts";

/** Words that would collide with routes, roles or infrastructure names. */
export const RESERVED_SLUGS = new Set([
  "api",
  "app",
  "www",
  "admin",
  "platform",
  "public",
  "static",
  "assets",
  "healthz",
  "readyz",
  "login",
  "logout",
  "signin",
  "signout",
  "console",
  "vendor",
  "system",
  "root",
  "postgres",
  "pg",
  "information-schema",
  "default",
  "internal",
  "local",
  "test",
  "demo",
  "t",
  "tenant",
  "tenants",
  "open311",
  "verify",
  "docs",
  "mail",
  "support",
  "billing",
  "status",
]);

const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export function slugProblem(slug: string): string | undefined {
  if (typeof slug !== "string") return "slug must be a string";
  if (slug.length < 3 || slug.length > 40) return "slug must be 3 to 40 characters";
  if (!SLUG_RE.test(slug)) return "slug may contain only a-z, 0-9 and inner hyphens";
  if (slug.includes("--")) return "slug may not contain consecutive hyphens";
  if (RESERVED_SLUGS.has(slug)) return `slug "${slug}" is reserved`;
  return undefined;
}

export function assertSlug(slug: string): string {
  const problem = slugProblem(slug);
  if (problem) throw new ValidationError(problem, [{ path: "slug", message: problem }]);
  return slug;
}
