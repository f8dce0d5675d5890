/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { queryAudit } from "@zhengyun/audit";
import {
  approveSupportAccess,
  businessPermissions,
  MAX_SUPPORT_MINUTES,
  rejectSupportAccess,
  requestSupportAccess,
} from "@zhengyun/auth";
import { findTenantBySlug, type Tenant, withTenant } from "@zhengyun/tenancy";
import { verbErrors } from "../components/forms.ts";
import { Empty, ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { formatDateTime, type Translate } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { listSupportGrants } from "../services.ts";

type Grant = Awaited<ReturnType<typeof listSupportGrants>>[number];
const grantStatus = (t: Translate, s: Grant["status"]) => t(`grant.${s}`);

function GrantsTable({ p, grants, actions }: { p: PageCtx; grants: Grant[]; actions?: boolean }) {
  const { t } = p;
  if (grants.length === 0) return <Empty text={t("support.none")} />;
  return (
    <table>
      <caption class="muted">{t("support.title")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("support.tenant")}</th>
          <th scope="col">{t("staff.name")}</th>
          <th scope="col">{t("support.scope")}</th>
          <th scope="col">{t("support.reason")}</th>
          <th scope="col">{t("support.status")}</th>
          <th scope="col">{t("support.window")}</th>
          {actions && <th scope="col">{t("support.approve")}</th>}
        </tr>
      </thead>
      <tbody>
        {grants.map((g) => (
          <tr>
            <td>
              <code>{g.slug}</code>
            </td>
            <td>{g.requester}</td>
            <td>{g.scope.join(", ")}</td>
            <td>{g.reason}</td>
            <td>{grantStatus(t, g.status)}</td>
            <td>
              {g.status === "approved"
                ? `${formatDateTime(g.validFrom, p.lang)} – ${formatDateTime(g.validUntil, p.lang)}`
                : "—"}
            </td>
            {actions && (
              <td>
                {g.status === "requested" && (
                  <>
                    <form method="post" action={href(p, `${p.path}/${g.id}/approve`)}>
                      <button type="submit">{t("support.approve")}</button>
                    </form>
                    <form method="post" action={href(p, `${p.path}/${g.id}/reject`)}>
                      <button type="submit" class="secondary">
                        {t("support.reject")}
                      </button>
                    </form>
                  </>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function vendorSupport(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const grants = await listSupportGrants(p.c.var.deps.db, { vendorUserId: p.principal?.id ?? "" });
  const chosen = new Set((p.form.scope ?? "").split(",").filter(Boolean));
  return renderPage(
    p,
    <>
      <GrantsTable p={p} grants={grants} />
      <h2>{t("support.request")}</h2>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, "/console/support")}>
        <Field
          name="tenant"
          label={t("support.tenant")}
          value={p.form.tenant}
          error={errors.tenant}
          required
        />
        <fieldset aria-describedby={errors.scope ? "f-scope-err" : undefined}>
          <legend>{t("support.scope")}</legend>
          {businessPermissions.map((perm) => (
            <label style="display:inline-block;margin-right:1rem">
              <input type="checkbox" name="scope" value={perm} checked={chosen.has(perm)} /> {perm}
            </label>
          ))}
          {errors.scope && (
            <p class="error-text" id="f-scope-err">
              {errors.scope}
            </p>
          )}
        </fieldset>
        <Field
          name="reason"
          label={t("support.reason")}
          value={p.form.reason}
          error={errors.reason}
          multiline
          required
        />
        <Field
          name="minutes"
          label={t("support.minutes")}
          type="number"
          value={p.form.minutes ?? "60"}
          error={errors.minutes}
          required
          hint={`5–${MAX_SUPPORT_MINUTES}`}
        />
        <button type="submit">{t("support.request")}</button>
      </Form>
    </>,
    { title: t("support.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

const tenantOf = (p: PageCtx): Tenant => p.tenant as Tenant;

export const supportPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/support",
    permission: "platform.support:request",
    nav: (t) => t("nav.support"),
    handler: (p) => vendorSupport(p),
  }),
  definePage({
    method: "post",
    path: "/console/support",
    permission: "platform.support:request",
    async handler(p) {
      // Checkboxes: every checked scope (parseBody keeps only the last value of a repeated name).
      const scope = (await p.c.req.formData()).getAll("scope").map(String);
      p.form.scope = scope.join(",");
      const tenant = await findTenantBySlug(p.c.var.deps.db, (p.form.tenant ?? "").trim());
      if (!tenant) return vendorSupport(p, { tenant: p.t("support.unknownTenant") });
      try {
        await requestSupportAccess({
          ctx: p.auth,
          input: {
            vendorUserId: p.principal?.id,
            tenantId: tenant.id,
            scope,
            reason: p.form.reason ?? "",
            minutes: Number(p.form.minutes),
          },
        });
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return vendorSupport(p, errors);
        throw err;
      }
      return redirect(p, "/console/support", p.t("support.requested"));
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/console/support",
    permission: "tenant.support:approve",
    nav: (t) => t("nav.support"),
    async handler(p) {
      const grants = await listSupportGrants(p.c.var.deps.db, { tenantId: tenantOf(p).id });
      return renderPage(p, <GrantsTable p={p} grants={grants} actions />, {
        title: p.t("support.title"),
      });
    },
  }),
  ...(["approve", "reject"] as const).map((decision) =>
    definePage({
      method: "post",
      path: `/t/{tenant}/console/support/{grant}/${decision}`,
      permission: "tenant.support:approve",
      async handler(p) {
        const verb = decision === "approve" ? approveSupportAccess : rejectSupportAccess;
        await verb({
          ctx: p.auth,
          input: { tenantId: tenantOf(p).id, grantId: p.c.req.param("grant") ?? "" },
        });
        return redirect(
          p,
          `/t/${tenantOf(p).slug}/console/support`,
          p.t(decision === "approve" ? "support.approved" : "support.rejected"),
        );
      },
    }),
  ),
  definePage({
    method: "get",
    path: "/t/{tenant}/console/audit",
    permission: "tenant.audit:read",
    nav: (t) => t("nav.audit"),
    async handler(p) {
      const { t } = p;
      const now = (p.c.var.deps.clock ?? { now: () => new Date() }).now();
      const cursor = p.c.req.query("cursor");
      const action = p.c.req.query("action")?.trim() || undefined;
      const page = await withTenant(p.c.var.deps.db, tenantOf(p), (tx) =>
        queryAudit(tx, {
          from: new Date(now.getTime() - 30 * 86_400_000),
          to: new Date(now.getTime() + 60_000),
          limit: 50,
          ...(action ? { action } : {}),
          ...(cursor ? { cursor } : {}),
        }),
      );
      return renderPage(
        p,
        <>
          <search>
            <form method="get" action={p.path} class="filters">
              <Field name="action" label={t("audit.action")} value={action} />
              <button type="submit">{t("table.search")}</button>
            </form>
          </search>
          {page.items.length === 0 ? (
            <Empty text={t("audit.none")} />
          ) : (
            <table>
              <caption class="muted">{t("audit.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("audit.at")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.object")}</th>
                  <th scope="col">{t("audit.result")}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr>
                    <td>{formatDateTime(new Date(e.at), p.lang)}</td>
                    <td>{e.actorId ?? "—"}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>{e.objectType ? `${e.objectType} ${e.objectId ?? ""}` : "—"}</td>
                    <td>{e.result}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page.nextCursor && (
            <p>
              <a href={href(p, p.path, { cursor: page.nextCursor, ...(action ? { action } : {}) })}>
                {t("audit.more")}
              </a>
            </p>
          )}
        </>,
        { title: t("audit.title") },
      );
    },
  }),
];
