/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { createUser, generatePassword } from "@zhengyun/auth";
import { isDomainError } from "@zhengyun/core";
import { takenTenantName } from "@zhengyun/tenancy";
import { provisionInput, provisionTenant } from "@zhengyun/tenancy/node";
import { z } from "zod";
import { validate, verbErrors } from "../components/forms.ts";
import { ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { definePage, type PageCtx, type PageDef, pageTenantAudit } from "../page.ts";
import { href, renderPage } from "../render.tsx";
import { levelLabel } from "./labels.ts";
import { EquipmentFields, equipmentStep, registerStepEquipment } from "./onboard-equipment.tsx";
import { catalogModules, contractStepModules, ModuleFields } from "./onboard-modules.tsx";

/** The onboarding wizard: tenant, domains, first admin, equipment, modules; one POST does it all. */
const onboardInput = provisionInput.extend({
  parentSlug: z
    .string()
    .trim()
    .optional()
    .transform((s) => s || undefined),
  adminEmail: z.email(),
});

async function onboardForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const modules = await catalogModules(p);
  const f = p.form;
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, "/console/tenants/new")} progress={t("onboard.progress")}>
        <fieldset>
          <legend>{t("onboard.step1")}</legend>
          <Field
            name="name"
            label={t("tenants.name")}
            value={f.name}
            error={errors.name}
            required
          />
          <Field
            name="slug"
            label={t("tenants.slug")}
            value={f.slug}
            error={errors.slug}
            required
            hint="a-z 0-9 -"
          />
          <Field
            name="level"
            label={t("tenants.level")}
            value={f.level ?? "district"}
            error={errors.level}
            options={(["city", "district", "street"] as const).map((l) => ({
              value: l,
              label: levelLabel(t, l),
            }))}
          />
          <Field
            name="parentSlug"
            label={t("onboard.parent")}
            value={f.parentSlug}
            error={errors.parentSlug}
          />
        </fieldset>
        <fieldset>
          <legend>{t("onboard.step2")}</legend>
          <Field
            name="domains"
            label={t("tenant.domains")}
            value={f.domains}
            error={errors.domains}
            multiline
            hint={t("onboard.domainsHelp")}
          />
        </fieldset>
        <fieldset>
          <legend>{t("onboard.step3")}</legend>
          <Field
            name="adminEmail"
            label={t("onboard.adminEmail")}
            type="email"
            value={f.adminEmail}
            error={errors.adminEmail}
            required
            autocomplete="off"
          />
        </fieldset>
        <EquipmentFields p={p} errors={errors} />
        <ModuleFields p={p} modules={modules} />
        <button type="submit">{t("onboard.submit")}</button>
      </Form>
    </>,
    { title: t("onboard.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

export const onboardPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/tenants/new",
    permission: "platform.tenants:manage",
    nav: (t) => t("nav.onboard"),
    handler: (p) => onboardForm(p),
  }),
  definePage({
    method: "post",
    path: "/console/tenants/new",
    permission: "platform.tenants:manage",
    async handler(p) {
      const { t } = p;
      const domains = (p.form.domains ?? "").split(/\s+/).filter(Boolean);
      const v = validate(t, onboardInput, { ...p.form, domains });
      const eq = await equipmentStep(p, String(p.form.slug ?? "").trim());
      if (!v.ok || !eq.ok)
        return onboardForm(p, { ...(v.ok ? {} : v.errors), ...(eq.ok ? {} : eq.errors) });
      const { db } = p.c.var.deps;
      // Refuse taken names before provisioning writes anything (the API's rule, from tenancy).
      const taken = await takenTenantName(db, v.data);
      if (taken?.field === "slug") return onboardForm(p, { slug: t("onboard.slugTaken") });
      if (taken) return onboardForm(p, { domains: t("onboard.domainTaken", { host: taken.host }) });
      let tenant: Awaited<ReturnType<typeof provisionTenant>>;
      try {
        const { adminEmail: _, ...input } = v.data;
        const audit = pageTenantAudit(p, "tenant.create");
        tenant = await provisionTenant(db, input, {
          audit: (tx, created) => audit(tx, created, "provisioning"),
        });
      } catch (err) {
        const errors = verbErrors(t, err);
        if (errors) return onboardForm(p, errors);
        throw err;
      }
      if (eq.input) await registerStepEquipment(p, { ...eq.input, tenant: tenant.slug });
      await contractStepModules(p, tenant.slug, await catalogModules(p));
      const password = generatePassword();
      // The page checked platform.tenants:manage; inviting the first admin is part of provisioning.
      const { actor: _, ...trusted } = p.auth;
      await createUser({
        ctx: trusted,
        input: { login: v.data.adminEmail, password, role: "tenant_admin", tenantId: tenant.id },
      }).catch((err) => {
        if (isDomainError(err) && err.code === "conflict") return undefined;
        throw err;
      });
      return renderPage(
        p,
        <div class="card">
          <p>{t("onboard.adminPassword", { email: v.data.adminEmail })}</p>
          <p>
            <code class="secret" data-testid="admin-password">
              {password}
            </code>
          </p>
          <a class="button" href={href(p, `/console/tenants/${tenant.slug}`)}>
            {t("tenant.detail")}
          </a>
        </div>,
        {
          title: t("onboard.done", { name: tenant.name }),
          flash: { text: t("onboard.done", { name: tenant.name }) },
        },
      );
    },
  }),
];
