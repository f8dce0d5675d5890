import {
  authorize,
  businessPermissions,
  type Permission,
  type Principal,
  permissions,
  permissionsOfRoles,
  permissionsOfScopes,
} from "@zhengyun/auth";
import { platformSchema } from "@zhengyun/db";
import { describe, expect, it } from "vitest";

// Written out on purpose (not derived from the policy): a change to the policy must change this too.
const expected: Record<string, string[]> = {
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
const vendorRoles = ["operator", "finance", "security_admin", "audit_admin"];
const audit = permissions.filter((p) => p.includes("audit"));
const business: readonly string[] = businessPermissions;

const staff = (roles: string[], tenantId: string | null): Principal => ({
  kind: "staff",
  id: "usr_1",
  tenantId,
  roles,
  scopes: [],
});

describe("permission policy", () => {
  it("covers every role id", () => {
    expect(Object.keys(expected).sort()).toEqual([...platformSchema.roleIds].sort());
  });

  it.each(Object.entries(expected))(
    "%s gets exactly its permissions, in its own scope only",
    (role, perms) => {
      expect([...permissionsOfRoles([role])].sort()).toEqual([...perms].sort());
      const isVendor = vendorRoles.includes(role);
      const p: Principal =
        role === "citizen"
          ? { kind: "citizen", id: "usr_1", tenantId: "ten_a", roles: [role], scopes: [] }
          : staff([role], isVendor ? null : "ten_a");
      for (const perm of permissions) {
        const want = perms.includes(perm);
        const tenant = perm.startsWith("platform.") ? null : "ten_a";
        expect(authorize(p, perm, tenant), `${role} ${perm}`).toBe(want);
        // The same role in another tenant gets nothing there.
        if (!isVendor && !perm.startsWith("platform."))
          expect(authorize(p, perm, "ten_b")).toBe(false);
      }
    },
  );

  it("keeps duties separate", () => {
    for (const r of ["security_admin", "tenant_security_admin"]) {
      const ps = [...permissionsOfRoles([r])];
      expect(ps.some((p) => business.includes(p) || audit.includes(p))).toBe(false);
    }
    for (const r of ["audit_admin", "tenant_auditor"]) {
      expect([...permissionsOfRoles([r])].every((p) => audit.includes(p))).toBe(true);
    }
    for (const r of Object.keys(expected).filter(
      (r) => r !== "audit_admin" && r !== "tenant_auditor",
    )) {
      expect(
        [...permissionsOfRoles([r])].some((p) => audit.includes(p)),
        r,
      ).toBe(false);
    }
  });

  it("denies by default", () => {
    for (const perm of permissions) {
      expect(authorize(undefined, perm, "ten_a")).toBe(false);
      expect(authorize(staff([], "ten_a"), perm, "ten_a")).toBe(false);
      expect(authorize(staff(["no_such_role"], null), perm, null)).toBe(false);
    }
    // A tenant permission with no tenant in the URL, and a citizen not registered here.
    expect(authorize(staff(["portal_editor"], "ten_a"), "portal:read", null)).toBe(false);
    const stranger: Principal = { kind: "citizen", id: "u", tenantId: null, roles: [], scopes: [] };
    expect(authorize(stranger, "citizen:self", "ten_a")).toBe(false);
  });

  it("gives API keys exactly their scopes in their own tenant", () => {
    const key = (scopes: string[]): Principal => ({
      kind: "apikey",
      id: "key_1",
      tenantId: "ten_a",
      roles: [],
      scopes,
    });
    const table: [string[], Permission[]][] = [
      [["open311"], ["open311:read", "open311:write"]],
      [["usage:write"], ["usage:write"]],
      [
        ["read"],
        [
          "portal:read",
          "cases:read",
          "mi:read",
          "community:read",
          "open311:read",
          "tenant.usage:read",
        ],
      ],
    ];
    for (const [scopes, perms] of table) {
      expect([...permissionsOfScopes(scopes)].sort()).toEqual([...perms].sort());
      for (const perm of permissions) {
        expect(authorize(key(scopes), perm, "ten_a")).toBe(perms.includes(perm));
        expect(authorize(key(scopes), perm, "ten_b")).toBe(false);
      }
    }
    // Roles smuggled onto a key are ignored.
    expect(
      authorize({ ...key([]), roles: ["tenant_admin"] }, "tenant.settings:manage", "ten_a"),
    ).toBe(false);
  });

  it("lets vendor staff reach business data only through a grant in force and in scope", () => {
    const from = new Date("2026-03-02T01:00:00Z");
    const until = new Date("2026-03-02T02:00:00Z");
    const grant = {
      id: "sup_1",
      tenantId: "ten_a",
      scope: ["cases:read"],
      validFrom: from,
      validUntil: until,
    };
    const op: Principal = { ...staff(["operator"], null), grants: [grant] };
    const at = (iso: string) => new Date(iso);
    expect(authorize(staff(["operator"], null), "cases:read", "ten_a")).toBe(false);
    expect(authorize(op, "cases:read", "ten_a", at("2026-03-02T01:30:00Z"))).toBe(true);
    expect(authorize(op, "cases:write", "ten_a", at("2026-03-02T01:30:00Z"))).toBe(false);
    expect(authorize(op, "cases:read", "ten_b", at("2026-03-02T01:30:00Z"))).toBe(false);
    expect(authorize(op, "cases:read", "ten_a", at("2026-03-02T00:59:59Z"))).toBe(false);
    expect(authorize(op, "cases:read", "ten_a", until)).toBe(false);
    // A grant never opens administration or audit, whatever its scope says (the operator's own
    // role still reads usage in every tenant).
    const wide = { ...op, grants: [{ ...grant, scope: [...permissions] }] };
    const own = permissionsOfRoles(["operator"]);
    for (const p of permissions.filter(
      (p) => !business.includes(p) && !p.startsWith("platform.") && !own.has(p),
    )) {
      expect(authorize(wide, p, "ten_a", at("2026-03-02T01:30:00Z"))).toBe(false);
    }
  });
});
