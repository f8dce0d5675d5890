/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  apiKeyScopes,
  createApiKey,
  createUser,
  generatePassword,
  listApiKeys,
  revokeApiKey,
} from "@zhengyun/auth";
import { tenantQuotas } from "@zhengyun/billing";
import { isDomainError } from "@zhengyun/core";
import { METERS, usageSeries } from "@zhengyun/metering";
import type { Tenant } from "@zhengyun/tenancy";
import { z } from "zod";
import { BarChart } from "../components/chart.tsx";
import { validate, verbErrors } from "../components/forms.ts";
import { Confirm, Empty, ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { formatDateTime, formatNumber, type MessageKey } from "../i18n/index.ts";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { displayNameOf, listStaff } from "../services.ts";
import { lastDays } from "./dates.ts";
import { QuotaTable } from "./tenant-billing.tsx";

const BASE = "/t/{tenant}/console";
const tenantOf = (p: PageCtx): Tenant => p.tenant as Tenant;
const at = (p: PageCtx, rest: string) => `/t/${tenantOf(p).slug}/console${rest}`;

/** Tenant roles a security admin may hand out (vendor roles and citizen are not staff roles here). */
export const staffRoles = [
  "tenant_admin",
  "tenant_security_admin",
  "tenant_auditor",
  "portal_editor",
  "case_officer",
  "mi_officer",
  "community_agent",
] as const;
const roleLabel = (p: PageCtx, r: string) =>
  (staffRoles as readonly string[]).includes(r) ? p.t(`role.${r}` as MessageKey) : r;

const staffInput = z.object({
  displayName: z.string().trim().min(1).max(100),
  login: z.email(),
  role: z.enum(staffRoles),
});

async function staffPage(
  p: PageCtx,
  errors: FieldErrors = {},
  created?: { login: string; password: string },
) {
  const { t } = p;
  const staff = await listStaff(p.c.var.deps.db, tenantOf(p).id);
  return renderPage(
    p,
    <>
      {created && (
        <div class="flash" role="status">
          {t("staff.created", { login: created.login })}{" "}
          <code class="secret" data-testid="staff-password">
            {created.password}
          </code>
        </div>
      )}
      {staff.length === 0 ? (
        <Empty text={t("staff.none")} />
      ) : (
        <table>
          <caption class="muted">{t("staff.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("staff.name")}</th>
              <th scope="col">{t("staff.login")}</th>
              <th scope="col">{t("staff.roles")}</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr>
                <td>{s.name}</td>
                <td>{s.login}</td>
                <td>{s.roles.map((r) => roleLabel(p, r)).join("、")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("staff.create")}</h2>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, at(p, "/staff"))}>
        <Field
          name="displayName"
          label={t("staff.name")}
          value={p.form.displayName}
          error={errors.displayName}
          required
        />
        <Field
          name="login"
          label={t("auth.login")}
          type="email"
          value={p.form.login}
          error={errors.login}
          required
          autocomplete="off"
        />
        <Field
          name="role"
          label={t("staff.roles")}
          value={p.form.role}
          error={errors.role}
          options={staffRoles.map((r) => ({ value: r, label: roleLabel(p, r) }))}
        />
        <button type="submit">{t("staff.create")}</button>
      </Form>
    </>,
    { title: t("staff.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

async function keysPage(p: PageCtx, errors: FieldErrors = {}, shown?: string) {
  const { t } = p;
  const keys = await listApiKeys({ ctx: p.auth, input: { tenantId: tenantOf(p).id } });
  const live = keys.filter((k) => !k.revokedAt);
  return renderPage(
    p,
    <>
      {shown && (
        <div class="flash" role="status">
          {t("keys.shown")} <code class="secret">{shown}</code>
        </div>
      )}
      {live.length === 0 ? (
        <Empty text={t("keys.none")} />
      ) : (
        <table>
          <caption class="muted">{t("keys.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("keys.name")}</th>
              <th scope="col">{t("keys.prefix")}</th>
              <th scope="col">{t("keys.scopes")}</th>
              <th scope="col">{t("keys.created")}</th>
              <th scope="col">{t("keys.lastUsed")}</th>
              <th scope="col">
                <span class="muted">{t("keys.revoke")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {live.map((k) => (
              <tr>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>{k.scopes.join(", ")}</td>
                <td>{formatDateTime(k.createdAt, p.lang)}</td>
                <td>{k.lastUsedAt ? formatDateTime(k.lastUsedAt, p.lang) : t("keys.never")}</td>
                <td>
                  <a href={href(p, at(p, `/api-keys/${k.id}/revoke`))}>{t("keys.revoke")}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("keys.create")}</h2>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, at(p, "/api-keys"))}>
        <Field
          name="name"
          label={t("keys.name")}
          value={p.form.name}
          error={errors.name}
          required
        />
        <Field
          name="scope"
          label={t("keys.scopes")}
          value={p.form.scope}
          error={errors.scopes}
          options={apiKeyScopes.map((s) => ({ value: s, label: s }))}
        />
        <button type="submit">{t("keys.create")}</button>
      </Form>
    </>,
    { title: t("keys.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

export const tenantConsolePages: PageDef[] = [
  definePage({
    method: "get",
    path: BASE,
    permission: "staff",
    nav: (t) => t("console.home"),
    async handler(p) {
      const name = p.principal ? await displayNameOf(p.c.var.deps.db, p.principal.id) : "";
      return renderPage(p, <p class="card">{p.t("console.welcome", { name })}</p>, {
        title: p.t("console.home"),
      });
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/staff`,
    permission: "tenant.accounts:manage",
    nav: (t) => t("nav.staff"),
    handler: (p) => staffPage(p),
  }),
  definePage({
    method: "post",
    path: `${BASE}/staff`,
    permission: "tenant.accounts:manage",
    async handler(p) {
      const v = validate(p.t, staffInput, p.form);
      if (!v.ok) return staffPage(p, v.errors);
      const password = generatePassword();
      try {
        await createUser({
          ctx: p.auth,
          input: {
            login: v.data.login,
            displayName: v.data.displayName,
            password,
            role: v.data.role,
            tenantId: tenantOf(p).id,
          },
        });
      } catch (err) {
        if (isDomainError(err) && err.code === "conflict")
          return staffPage(p, { login: p.t("staff.exists") });
        const errors = verbErrors(p.t, err);
        if (errors) return staffPage(p, errors);
        throw err;
      }
      const login = v.data.login;
      p.form = {};
      return staffPage(p, {}, { login, password });
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/api-keys`,
    permission: "tenant.apikeys:manage",
    nav: (t) => t("nav.apiKeys"),
    handler: (p) => keysPage(p),
  }),
  definePage({
    method: "post",
    path: `${BASE}/api-keys`,
    permission: "tenant.apikeys:manage",
    async handler(p) {
      try {
        const made = await createApiKey({
          ctx: p.auth,
          input: {
            tenantId: tenantOf(p).id,
            name: p.form.name ?? "",
            scopes: [p.form.scope ?? ""],
          },
        });
        p.form = {};
        return keysPage(p, {}, made.key);
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return keysPage(p, errors);
        throw err;
      }
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/api-keys/{key}/revoke`,
    permission: "tenant.apikeys:manage",
    async handler(p) {
      const id = p.c.req.param("key") ?? "";
      const keys = await listApiKeys({ ctx: p.auth, input: { tenantId: tenantOf(p).id } });
      const key = keys.find((k) => k.id === id && !k.revokedAt);
      if (!key) return redirect(p, at(p, "/api-keys"));
      return renderPage(
        p,
        <Confirm
          p={p}
          question={p.t("keys.revokeConfirm", { name: key.name })}
          action={at(p, `/api-keys/${id}/revoke`)}
          danger={p.t("keys.revoke")}
        />,
        {
          title: p.t("form.confirmTitle"),
        },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${BASE}/api-keys/{key}/revoke`,
    permission: "tenant.apikeys:manage",
    async handler(p) {
      await revokeApiKey({
        ctx: p.auth,
        input: { tenantId: tenantOf(p).id, keyId: p.c.req.param("key") ?? "" },
      });
      return redirect(p, at(p, "/api-keys"), p.t("keys.revoked"));
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/usage`,
    permission: "tenant.usage:read",
    nav: (t) => t("nav.usage"),
    async handler(p) {
      const days = lastDays(p, 30);
      const { db, clock } = p.c.var.deps;
      const quotas = await tenantQuotas(db, tenantOf(p).id, clock);
      const charts = [];
      for (const meter of METERS.filter((m) =>
        ["api.requests", "users.active", "storage.bytes"].includes(m.code),
      )) {
        const s = await usageSeries(p.c.var.deps.db, {
          tenantId: tenantOf(p).id,
          meter: meter.code,
          from: days[0] as string,
          to: days[days.length - 1] as string,
          granularity: "day",
        });
        const name = p.lang === "en" ? meter.nameEn : meter.nameZh;
        charts.push(
          <div class="card">
            <BarChart
              title={p.t("usage.chartTitle", { meter: name })}
              unit={s.unit}
              points={s.points.map((pt) => ({ label: pt.start.slice(5), value: pt.quantity }))}
            />
            <p>{p.t("usage.total", { total: formatNumber(s.total) })}</p>
          </div>,
        );
      }
      return renderPage(
        p,
        <div>
          <QuotaTable p={p} rows={quotas} />
          {charts}
        </div>,
        { title: p.t("usage.title") },
      );
    },
  }),
];
