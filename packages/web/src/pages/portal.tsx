/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { registerCitizen, sessionCookie, signIn } from "@zhengyun/auth";
import { isDomainError } from "@zhengyun/core";
import { z } from "zod";
import { validate, verbErrors } from "../components/forms.ts";
import { ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { definePage, isSecure, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { displayNameOf, publicProfile } from "../services.ts";

const registerInput = z.object({
  displayName: z.string().trim().min(1).max(100),
  login: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

function registerForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, `/t/${p.tenant?.slug}/register`)}>
        <Field
          name="displayName"
          label={t("auth.displayName")}
          value={p.form.displayName}
          error={errors.displayName}
          required
          autocomplete="name"
        />
        <Field
          name="login"
          label={t("auth.login")}
          value={p.form.login}
          error={errors.login}
          required
          autocomplete="username"
        />
        <Field
          name="password"
          label={t("auth.password")}
          type="password"
          error={errors.password}
          required
          autocomplete="new-password"
        />
        <button type="submit">{t("auth.registerSubmit")}</button>
      </Form>
    </>,
    { title: t("auth.registerTitle"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

export const portalPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/t/{tenant}/",
    permission: "public",
    async handler(p) {
      const { t } = p;
      const tenant = p.tenant;
      if (!tenant) return p.c.notFound();
      const profile = await publicProfile(p.c.var.deps.db, tenant);
      const name = profile?.displayName?.[p.lang] ?? tenant.name;
      const who = p.principal ? await displayNameOf(p.c.var.deps.db, p.principal.id) : undefined;
      return renderPage(
        p,
        <div class="card">
          {profile?.hotline && (
            <p>
              {t("portal.hotline")}: {profile.hotline}
            </p>
          )}
          {profile?.address?.[p.lang] && (
            <p>
              {t("portal.address")}: {profile.address[p.lang]}
            </p>
          )}
          {who ? (
            <p>{t("portal.signedInAs", { name: who })}</p>
          ) : (
            <p>
              <a href={href(p, `/t/${tenant.slug}/sign-in`)}>{t("nav.signIn")}</a> ·{" "}
              <a href={href(p, `/t/${tenant.slug}/register`)}>{t("nav.register")}</a> ·{" "}
              <a href={href(p, `/t/${tenant.slug}/console/sign-in`)}>{t("nav.staffSignIn")}</a>
            </p>
          )}
        </div>,
        { title: t("portal.welcome", { name }) },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/register",
    permission: "public",
    handler: (p) => registerForm(p),
  }),
  definePage({
    method: "post",
    path: "/t/{tenant}/register",
    permission: "public",
    async handler(p) {
      const v = validate(p.t, registerInput, p.form);
      if (!v.ok) return registerForm(p, v.errors);
      const tenantId = p.tenant?.id ?? "";
      const { actor: _, ...ctx } = p.auth;
      try {
        await registerCitizen({ ctx, input: { tenantId, ...v.data } });
        const r = await signIn({
          ctx,
          input: { login: v.data.login, password: v.data.password, kind: "citizen", tenantId },
        });
        if (r.status === "signed_in") {
          p.c.header("Set-Cookie", sessionCookie(r.token, { secure: isSecure(p.c) }).serialize(), {
            append: true,
          });
        }
      } catch (err) {
        if (isDomainError(err) && err.code === "unauthenticated")
          return registerForm(p, { login: p.t("staff.exists") });
        const errors = verbErrors(p.t, err);
        if (errors) return registerForm(p, errors);
        throw err;
      }
      return redirect(p, `/t/${p.tenant?.slug}/`, p.t("auth.registered"));
    },
  }),
];
