import type { RoleId } from "@zhengyun/db/platform";

/**
 * Every permission a route may declare. `platform.*` are the vendor's control-plane permissions;
 * the rest are checked against the tenant in the URL.
 */
export const permissions = [
  "platform.tenants:read",
  "platform.tenants:manage",
  "platform.billing:read",
  "platform.billing:manage",
  "platform.accounts:manage",
  "platform.audit:read",
  "platform.audit:purge",
  "platform.support:request",
  "tenant.settings:manage",
  "tenant.apikeys:manage",
  "tenant.support:approve",
  "tenant.accounts:manage",
  "tenant.audit:read",
  "tenant.audit:purge",
  "tenant.usage:read",
  "tenant.subscriptions:manage",
  "tenant.invoices:read",
  "usage:write",
  "portal:read",
  "portal:write",
  "cases:read",
  "cases:write",
  "mi:read",
  "mi:write",
  "community:read",
  "community:write",
  "open311:read",
  "open311:write",
  "citizen:self",
] as const;
export type Permission = (typeof permissions)[number];

/** A tenant's business data: what vendor staff may reach only through a support-access grant. */
export const businessPermissions = [
  "portal:read",
  "portal:write",
  "cases:read",
  "cases:write",
  "mi:read",
  "mi:write",
  "community:read",
  "community:write",
  "open311:read",
  "open311:write",
] as const satisfies readonly Permission[];
export type BusinessPermission = (typeof businessPermissions)[number];

export const isVendorPermission = (p: Permission): boolean => p.startsWith("platform.");
export const isBusinessPermission = (p: string): p is BusinessPermission =>
  (businessPermissions as readonly string[]).includes(p);

/**
 * The one policy. Separation of duties (三权分立): security admins manage accounts and roles and see
 * no business data; audit admins read audit records and nothing else; operators and tenant admins
 * never hold an audit permission.
 */
export const rolePermissions: Record<RoleId, readonly Permission[]> = {
  operator: [
    "platform.tenants:read",
    "platform.tenants:manage",
    "platform.support:request",
    "tenant.usage:read",
    "tenant.subscriptions:manage",
  ],
  finance: [
    "platform.tenants:read",
    "platform.billing:read",
    "platform.billing:manage",
    "tenant.usage:read",
  ],
  security_admin: ["platform.accounts:manage"],
  audit_admin: ["platform.audit:read", "platform.audit:purge"],
  tenant_admin: [
    "tenant.settings:manage",
    "tenant.apikeys:manage",
    "tenant.support:approve",
    "tenant.usage:read",
    "tenant.subscriptions:manage",
    "tenant.invoices:read",
  ],
  tenant_security_admin: ["tenant.accounts:manage"],
  tenant_auditor: ["tenant.audit:read", "tenant.audit:purge"],
  portal_editor: ["portal:read", "portal:write"],
  case_officer: ["cases:read", "cases:write", "open311:read"],
  mi_officer: ["mi:read", "mi:write"],
  community_agent: ["community:read", "community:write"],
  citizen: ["citizen:self"],
};

export const apiKeyScopes = ["open311", "usage:write", "read"] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** What each API key scope allows; keys never reach administration or audit. */
export const scopePermissions: Record<ApiKeyScope, readonly Permission[]> = {
  open311: ["open311:read", "open311:write"],
  "usage:write": ["usage:write"],
  read: [
    "portal:read",
    "cases:read",
    "mi:read",
    "community:read",
    "open311:read",
    "tenant.usage:read",
  ],
};

export function permissionsOfRoles(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of rolePermissions[r as RoleId] ?? []) out.add(p);
  return out;
}

export function permissionsOfScopes(scopes: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const s of scopes) for (const p of scopePermissions[s as ApiKeyScope] ?? []) out.add(p);
  return out;
}
