import { invoiceBalances } from "@zhengyun/billing/payments";
import type { Database } from "@zhengyun/db";
import { platformSchema, query, tenantSchema } from "@zhengyun/db";
import { loadMigrations } from "@zhengyun/db/node";
import { type Tenant, withPlatform, withTenant } from "@zhengyun/tenancy";
import { appliedUpTo } from "@zhengyun/tenancy/node";
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  ilike,
  inArray,
  isNull,
  lte,
  ne,
  or,
  sql,
} from "drizzle-orm";

const { tenants, tenantDomains, usageDaily, memberships, users } = platformSchema;

/** Read models for pages: one place that knows the tables, so page handlers stay thin. */
export interface TenantListQuery {
  q: string;
  sort: "name" | "slug" | "level" | "status" | "created";
  dir: "asc" | "desc";
  offset: number;
  limit: number;
}

const sortColumn = {
  name: tenants.name,
  slug: tenants.slug,
  level: tenants.level,
  status: tenants.status,
  created: tenants.createdAt,
};

export async function listTenants(db: Database, q: TenantListQuery) {
  return withPlatform(db, async (tx) => {
    const where = and(
      ne(tenants.status, "offboarded"),
      q.q ? or(ilike(tenants.name, `%${q.q}%`), ilike(tenants.slug, `%${q.q}%`)) : undefined,
    );
    const order = q.dir === "desc" ? desc(sortColumn[q.sort]) : asc(sortColumn[q.sort]);
    const rows = await tx
      .select()
      .from(tenants)
      .where(where)
      .orderBy(order, asc(tenants.slug))
      .limit(q.limit)
      .offset(q.offset);
    const [total] = await tx.select({ n: count() }).from(tenants).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  });
}

/** Daily quantities of one meter for many tenants at once (one query for a page of sparklines). */
export async function dailyUsage(
  db: Database,
  tenantIds: string[],
  meter: string,
  days: string[],
): Promise<Map<string, number[]>> {
  const out = new Map(tenantIds.map((id) => [id, days.map(() => 0)]));
  if (tenantIds.length === 0 || days.length === 0) return out;
  const rows = await withPlatform(db, (tx) =>
    tx
      .select({ tenantId: usageDaily.tenantId, day: usageDaily.day, quantity: usageDaily.quantity })
      .from(usageDaily)
      .where(
        and(
          inArray(usageDaily.tenantId, tenantIds),
          eq(usageDaily.meter, meter),
          gte(usageDaily.day, days[0] as string),
        ),
      ),
  );
  const index = new Map(days.map((d, i) => [d, i]));
  for (const r of rows) {
    const i = index.get(r.day);
    const series = out.get(r.tenantId);
    if (i !== undefined && series) series[i] = Number(r.quantity);
  }
  return out;
}

export async function tenantDetail(db: Database, tenant: Tenant) {
  const domains = await withPlatform(db, (tx) =>
    tx
      .select({ host: tenantDomains.host })
      .from(tenantDomains)
      .where(eq(tenantDomains.tenantId, tenant.id)),
  );
  // The migration ledger belongs to the owner (migrations and provisioning read it).
  const applied = (await appliedUpTo(db, tenant.id)) + 1;
  return { domains: domains.map((d) => d.host), applied, total: loadMigrations("tenant").length };
}

/** A tenant's staff (everyone with a non-citizen role there), with their roles. */
export async function listStaff(db: Database, tenantId: string) {
  const rows = await withPlatform(db, (tx) =>
    tx
      .select({
        id: users.id,
        displayName: users.displayName,
        email: users.email,
        phone: users.phone,
        role: memberships.role,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, tenantId), ne(memberships.role, "citizen")))
      .orderBy(asc(users.displayName), asc(memberships.role)),
  );
  const byUser = new Map<string, { id: string; name: string; login: string; roles: string[] }>();
  for (const r of rows) {
    const u = byUser.get(r.id) ?? {
      id: r.id,
      name: r.displayName,
      login: r.email ?? r.phone ?? "",
      roles: [],
    };
    u.roles.push(r.role);
    byUser.set(r.id, u);
  }
  return [...byUser.values()];
}

export async function displayNameOf(db: Database, userId: string): Promise<string> {
  const [u] = await withPlatform(db, (tx) =>
    tx.select({ name: users.displayName }).from(users).where(eq(users.id, userId)),
  );
  return u?.name ?? "";
}

/** The tenant's public face (its `public_profile` setting), if it has one. */
export async function publicProfile(db: Database, tenant: Tenant) {
  const [row] = await withTenant(db, tenant, (tx) =>
    tx
      .select({ value: tenantSchema.settings.value })
      .from(tenantSchema.settings)
      .where(eq(tenantSchema.settings.key, "public_profile")),
  );
  return (row?.value ?? null) as {
    displayName?: Record<string, string>;
    hotline?: string;
    address?: Record<string, string>;
  } | null;
}

/** Support-access requests, newest first: a tenant's (for approval) or a vendor user's own. */
export async function listSupportGrants(
  db: Database,
  by: { tenantId: string } | { vendorUserId: string },
) {
  const g = platformSchema.supportGrants;
  return withPlatform(db, (tx) =>
    tx
      .select({
        id: g.id,
        tenantId: g.tenantId,
        slug: tenants.slug,
        requester: users.displayName,
        scope: g.scope,
        reason: g.reason,
        status: g.status,
        validFrom: g.validFrom,
        validUntil: g.validUntil,
        createdAt: g.createdAt,
      })
      .from(g)
      .innerJoin(users, eq(users.id, g.vendorUserId))
      .innerJoin(tenants, eq(tenants.id, g.tenantId))
      .where("tenantId" in by ? eq(g.tenantId, by.tenantId) : eq(g.vendorUserId, by.vendorUserId))
      .orderBy(desc(g.createdAt))
      .limit(100),
  );
}

/** The module catalog as a tenant sees it on `day`: in its contract or not, and its subscription. */
export async function moduleCatalog(db: Database, tenantId: string, day: string) {
  const { billingModules, contracts, contractModules, subscriptions } = platformSchema;
  return withPlatform(db, async (tx) => {
    const modules = await tx.select().from(billingModules).orderBy(asc(billingModules.code));
    const [contract] = await tx
      .select({ id: contracts.id })
      .from(contracts)
      .where(
        and(
          eq(contracts.tenantId, tenantId),
          lte(contracts.startsOn, day),
          or(isNull(contracts.endsOn), gt(contracts.endsOn, day)),
        ),
      );
    const allowed = contract
      ? new Set(
          (
            await tx
              .select({ module: contractModules.module })
              .from(contractModules)
              .where(eq(contractModules.contractId, contract.id))
          ).map((r) => r.module),
        )
      : new Set<string>();
    const subs = await tx
      .select()
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.tenantId, tenantId),
          or(isNull(subscriptions.endsOn), gt(subscriptions.endsOn, day)),
        ),
      );
    return modules.map((m) => ({
      ...m,
      inContract: allowed.has(m.code),
      subscription: subs.find((s) => s.module === m.code),
    }));
  });
}

/** What each tenant owes on its issued invoices (credit notes and payments deducted), largest first. */
export async function outstandingByTenant(db: Database) {
  return withPlatform(db, async (tx) => {
    const balances = await invoiceBalances(tx, { unpaidOnly: true });
    const by = new Map<string, { outstandingFen: number; invoices: number }>();
    for (const b of balances) {
      const row = by.get(b.tenantId) ?? { outstandingFen: 0, invoices: 0 };
      row.outstandingFen += b.balanceFen;
      row.invoices += 1;
      by.set(b.tenantId, row);
    }
    if (by.size === 0) return [];
    const names = await tx
      .select({ id: tenants.id, name: tenants.name })
      .from(tenants)
      .where(inArray(tenants.id, [...by.keys()]));
    return names
      .map((n) => ({
        tenantId: n.id,
        name: n.name,
        ...(by.get(n.id) ?? { outstandingFen: 0, invoices: 0 }),
      }))
      .sort((a, b) => b.outstandingFen - a.outstandingFen);
  });
}

/** A tenant's issued invoices with what was credited, paid and is still owed, newest first. */
export async function tenantInvoices(db: Database, tenantId: string) {
  const { invoices } = platformSchema;
  return withPlatform(db, async (tx) => {
    const balances = await invoiceBalances(tx, { tenantId });
    const periods = new Map(
      (
        await tx
          .select({ id: invoices.id, period: invoices.period })
          .from(invoices)
          .where(eq(invoices.tenantId, tenantId))
      ).map((r) => [r.id, String(r.period).slice(0, 7)]),
    );
    return balances.map((b) => ({ ...b, period: periods.get(b.invoiceId) ?? "" })).reverse();
  });
}

/**
 * The newest offboarding export of a tenant (by slug). Read with the owner's privileges, as
 * offboarding writes it: the export ledger is not granted to the runtime role.
 */
export async function latestExport(db: Database, slug: string) {
  const { tenantExports } = platformSchema;
  const [rec] = await db.orm
    .select()
    .from(tenantExports)
    .where(eq(tenantExports.slug, slug))
    .orderBy(desc(tenantExports.createdAt))
    .limit(1);
  return rec;
}

/**
 * For one page of the tenants list: each tenant's modules subscribed on `day` and how many template
 * migrations it has applied, in two queries whatever the page size.
 */
export async function tenantRowExtras(db: Database, tenantIds: string[], day: string) {
  const modules = new Map<string, string[]>(tenantIds.map((id) => [id, []]));
  const applied = new Map<string, number>();
  if (tenantIds.length === 0) return { modules, applied, total: loadMigrations("tenant").length };
  const { subscriptions } = platformSchema;
  const subs = await withPlatform(db, (tx) =>
    tx
      .select({ tenantId: subscriptions.tenantId, module: subscriptions.module })
      .from(subscriptions)
      .where(
        and(
          inArray(subscriptions.tenantId, tenantIds),
          lte(subscriptions.startsOn, day),
          or(isNull(subscriptions.endsOn), gt(subscriptions.endsOn, day)),
        ),
      )
      .orderBy(asc(subscriptions.module)),
  );
  for (const s of subs) modules.get(s.tenantId)?.push(s.module);
  // The migration ledger belongs to the owner (migrations and provisioning read it).
  const rows = await query<{ tenant_id: string; n: number | string }>(
    db.orm,
    sql`select tenant_id, count(*) as n from platform.tenant_migrations
        where tenant_id in (${sql.join(
          tenantIds.map((id) => sql`${id}`),
          sql`, `,
        )}) group by tenant_id`,
  );
  for (const r of rows) applied.set(r.tenant_id, Number(r.n));
  return { modules, applied, total: loadMigrations("tenant").length };
}

/** Is this equipment serial registered already (serials are unique across tenants)? */
export async function serialTaken(db: Database, serial: string): Promise<boolean> {
  const { equipment } = platformSchema;
  const [row] = await withPlatform(db, (tx) =>
    tx.select({ id: equipment.id }).from(equipment).where(eq(equipment.serial, serial)),
  );
  return row !== undefined;
}
