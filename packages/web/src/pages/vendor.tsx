/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { NotFoundError } from "@zhengyun/core";
import { findTenantBySlug, resumeTenant, suspendTenant } from "@zhengyun/tenancy";
import { Sparkline } from "../components/chart.tsx";
import { Confirm, DataTable, tableQuery } from "../components/ui.tsx";
import { formatDateTime, formatNumber } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef, pageTenantAudit } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { dailyUsage, listTenants, tenantDetail, tenantRowExtras } from "../services.ts";
import { lastDays } from "./dates.ts";
import { levelLabel, statusLabel } from "./labels.ts";
import { onboardPages } from "./onboard.tsx";

const SORTS = ["name", "slug", "level", "status", "created"] as const;

export const tenantsPage = definePage({
  method: "get",
  path: "/console/tenants",
  permission: "platform.tenants:read",
  nav: (t) => t("nav.tenants"),
  async handler(p) {
    const q = tableQuery(p, [...SORTS], "name");
    const { rows, total } = await listTenants(p.c.var.deps.db, {
      q: q.q,
      sort: q.sort as (typeof SORTS)[number],
      dir: q.dir,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    });
    const days = lastDays(p, 30);
    const usage = await dailyUsage(
      p.c.var.deps.db,
      rows.map((r) => r.id),
      "api.requests",
      days,
    );
    const extras = await tenantRowExtras(
      p.c.var.deps.db,
      rows.map((r) => r.id),
      days[days.length - 1] as string,
    );
    const table = (
      <TenantsTable p={p} rows={rows} total={total} usage={usage} query={q} extras={extras} />
    );
    return renderPage(p, table, {
      title: p.t("tenants.title"),
    });
  },
});

export type TenantRow = Awaited<ReturnType<typeof listTenants>>["rows"][number];

/** The tenants table; exported so the benchmark renders it with 1,000 rows. */
export function TenantsTable({
  p,
  rows,
  total,
  usage,
  query,
  extras,
}: {
  p: PageCtx;
  rows: TenantRow[];
  total: number;
  usage: Map<string, number[]>;
  query: ReturnType<typeof tableQuery>;
  /** Subscribed modules and applied migrations of the rows shown (tenantRowExtras). */
  extras?: Awaited<ReturnType<typeof tenantRowExtras>>;
}) {
  const { t } = p;
  return (
    <DataTable
      p={p}
      caption={t("tenants.title")}
      rows={rows}
      total={total}
      query={query}
      empty={t("tenants.none")}
      columns={[
        {
          key: "name",
          label: t("tenants.name"),
          sortable: true,
          cell: (r) => <a href={href(p, `/console/tenants/${r.slug}`)}>{r.name}</a>,
        },
        {
          key: "slug",
          label: t("tenants.slug"),
          sortable: true,
          cell: (r) => <code>{r.slug}</code>,
        },
        {
          key: "level",
          label: t("tenants.level"),
          sortable: true,
          cell: (r) => levelLabel(t, r.level),
        },
        {
          key: "status",
          label: t("tenants.status"),
          sortable: true,
          cell: (r) => <span class={`badge ${r.status}`}>{statusLabel(t, r.status)}</span>,
        },
        {
          key: "modules",
          label: t("tenants.modules"),
          cell: (r) => {
            const mods = extras?.modules.get(r.id) ?? [];
            return mods.length ? (
              mods.join(", ")
            ) : (
              <span class="muted">{t("tenants.noModules")}</span>
            );
          },
        },
        {
          key: "migrations",
          label: t("tenants.migrationCol"),
          cell: (r) => {
            const applied = extras?.applied.get(r.id) ?? 0;
            const total = extras?.total ?? 0;
            return (
              <span class={`badge ${applied >= total ? "active" : "warn"}`}>
                {applied}/{total} {applied >= total ? t("tenant.upToDate") : t("tenant.behind")}
              </span>
            );
          },
        },
        {
          key: "usage",
          label: t("tenants.usage"),
          cell: (r) => {
            const values = usage.get(r.id) ?? [];
            const sum = values.reduce((a, b) => a + b, 0);
            return (
              <>
                <Sparkline values={values} label={`${t("tenants.usage")}: ${formatNumber(sum)}`} />{" "}
                {formatNumber(sum)}
              </>
            );
          },
        },
        {
          key: "created",
          label: t("tenants.created"),
          sortable: true,
          cell: (r) => formatDateTime(r.createdAt, p.lang, false),
        },
      ]}
    />
  );
}

async function loadTenant(p: PageCtx) {
  const slug = p.c.req.param("slug") ?? "";
  const tenant = await findTenantBySlug(p.c.var.deps.db, slug);
  if (!tenant || tenant.status === "offboarded") return undefined;
  return tenant;
}

const notFound = (): never => {
  throw new NotFoundError("No such tenant");
};

export const tenantDetailPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/tenants/{slug}",
    permission: "platform.tenants:read",
    async handler(p) {
      const tenant = (await loadTenant(p)) ?? notFound();
      const { t } = p;
      const d = await tenantDetail(p.c.var.deps.db, tenant);
      const action = tenant.status === "suspended" ? "resume" : "suspend";
      return renderPage(
        p,
        <>
          <dl class="card">
            <dt>{t("tenants.slug")}</dt>
            <dd>
              <code>{tenant.slug}</code>
            </dd>
            <dt>{t("tenants.level")}</dt>
            <dd>{levelLabel(t, tenant.level)}</dd>
            <dt>{t("tenants.status")}</dt>
            <dd>
              <span class={`badge ${tenant.status}`}>{statusLabel(t, tenant.status)}</span>
            </dd>
            <dt>{t("tenant.domains")}</dt>
            <dd>{d.domains.length ? d.domains.join(", ") : "—"}</dd>
            <dt>{t("tenant.migrations")}</dt>
            <dd>
              {t("tenant.migrationsStatus", { applied: d.applied, total: d.total })} ·{" "}
              {d.applied >= d.total ? t("tenant.upToDate") : t("tenant.behind")}
            </dd>
          </dl>
          {(tenant.status === "active" || tenant.status === "suspended") && (
            <p class="actions">
              <a
                class="button secondary"
                href={href(p, `/console/tenants/${tenant.slug}/${action}`)}
              >
                {t(`tenant.${action}`)}
              </a>{" "}
              <a
                class="button secondary"
                href={href(p, `/console/tenants/${tenant.slug}/offboard`)}
              >
                {t("offboard.link")}
              </a>
            </p>
          )}
        </>,
        { title: tenant.name },
      );
    },
  }),
  ...(["suspend", "resume"] as const).flatMap((action) => [
    definePage({
      method: "get",
      path: `/console/tenants/{slug}/${action}`,
      permission: "platform.tenants:manage",
      async handler(p) {
        const tenant = (await loadTenant(p)) ?? notFound();
        return renderPage(
          p,
          <Confirm
            p={p}
            question={p.t(`tenant.${action}Confirm`, { name: tenant.name })}
            action={p.path}
            danger={p.t(`tenant.${action}`)}
          />,
          { title: p.t("form.confirmTitle") },
        );
      },
    }),
    definePage({
      method: "post",
      path: `/console/tenants/{slug}/${action}`,
      permission: "platform.tenants:manage",
      async handler(p) {
        const tenant = (await loadTenant(p)) ?? notFound();
        const now = (p.c.var.deps.clock ?? { now: () => new Date() }).now();
        const verb = action === "suspend" ? suspendTenant : resumeTenant;
        await verb(p.c.var.deps.db, tenant.slug, now, pageTenantAudit(p, `tenant.${action}`));
        return redirect(
          p,
          `/console/tenants/${tenant.slug}`,
          p.t(action === "suspend" ? "tenant.suspended" : "tenant.resumed", { name: tenant.name }),
        );
      },
    }),
  ]),
];

export const vendorPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console",
    permission: "staff",
    handler: (p) => redirect(p, "/console/tenants"),
  }),
  tenantsPage,
  ...onboardPages,
  ...tenantDetailPages,
];
