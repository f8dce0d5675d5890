import {
  isBusinessPermission,
  type Permission,
  permissionsOfRoles,
  permissionsOfScopes,
} from "./permissions.ts";

/** An active support-access grant as carried on a vendor principal. */
export interface GrantView {
  id: string;
  tenantId: string;
  scope: string[];
  validFrom: Date;
  validUntil: Date;
}

/**
 * Who is acting. Structurally the `Principal` of apps/api's Authenticator seam; `grants` is only
 * set for vendor staff acting in a tenant. `tenantId` is null for vendor staff; for a citizen it is
 * the URL's tenant when the citizen is registered there, else null.
 */
export interface Principal {
  kind: "staff" | "citizen" | "apikey";
  id: string;
  tenantId: string | null;
  roles: string[];
  scopes: string[];
  grants?: GrantView[];
}

export type TenantArg = string | { id: string } | null | undefined;

/**
 * Deny by default. Vendor permissions need a vendor role; tenant permissions need a credential of
 * the URL's tenant, or, for vendor staff and business data only, an approved grant in force at `now`.
 */
export function authorize(
  principal: Principal | undefined | null,
  permission: Permission,
  tenant: TenantArg,
  now: Date = new Date(),
): boolean {
  if (!principal) return false;
  const tenantId = typeof tenant === "string" ? tenant : (tenant?.id ?? null);
  if (permission.startsWith("platform.")) {
    return (
      principal.kind === "staff" &&
      principal.tenantId === null &&
      permissionsOfRoles(principal.roles).has(permission)
    );
  }
  if (!tenantId) return false;
  if (principal.kind === "apikey") {
    return principal.tenantId === tenantId && permissionsOfScopes(principal.scopes).has(permission);
  }
  if (principal.tenantId === tenantId) {
    const roles =
      principal.kind === "citizen"
        ? principal.roles.filter((r) => r === "citizen")
        : principal.roles.filter((r) => r !== "citizen");
    return permissionsOfRoles(roles).has(permission);
  }
  if (principal.kind !== "staff" || principal.tenantId !== null) return false;
  // A vendor role's own tenant permissions (finance and operators read usage) hold in every tenant;
  // business data still needs a grant.
  if (!isBusinessPermission(permission)) return permissionsOfRoles(principal.roles).has(permission);
  const t = now.getTime();
  return (principal.grants ?? []).some(
    (g) =>
      g.tenantId === tenantId &&
      g.scope.includes(permission) &&
      g.validFrom.getTime() <= t &&
      t < g.validUntil.getTime(),
  );
}
