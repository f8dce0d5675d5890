/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  blankSessionCookie,
  changePassword,
  enrollTotp,
  readSessionCookie,
  type SignInResult,
  sessionCookie,
  signIn,
  signOut,
  verifyTotp,
} from "@zhengyun/auth";
import { isDomainError } from "@zhengyun/core";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { verbErrors } from "../components/forms.ts";
import { ErrorSummary, Field, Form } from "../components/ui.tsx";
import { definePage, isSecure, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";

const PENDING_COOKIE = "zy_pending";

/** Where sign-in pages live: the vendor console, a tenant's staff console, a tenant's portal. */
export interface SignInPlace {
  kind: "staff" | "citizen";
  /** GET path of the form; the form posts to `post`. */
  form: string;
  post: string;
  home: (p: PageCtx) => string;
}

/** Only local paths: an open redirect would let a phishing link borrow our sign-in page. */
const safeNext = (next: string | undefined): string | undefined =>
  next && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : undefined;

function signInForm(p: PageCtx, place: SignInPlace, error?: string, status: 200 | 400 | 429 = 200) {
  const next = safeNext(p.form.next ?? p.c.req.query("next"));
  const title = place.kind === "citizen" ? p.t("auth.citizenSignIn") : p.t("auth.signInTitle");
  const post = place.post.replace("{tenant}", p.tenant?.slug ?? "");
  return renderPage(
    p,
    <Form action={href(p, post)}>
      {next && <input type="hidden" name="next" value={next} />}
      <Field
        name="login"
        label={p.t("auth.login")}
        value={p.form.login}
        required
        autocomplete="username"
        error={error}
      />
      <Field
        name="password"
        label={p.t("auth.password")}
        type="password"
        required
        autocomplete="current-password"
      />
      <button type="submit">{p.t("auth.submit")}</button>
      {place.kind === "citizen" && p.tenant && (
        <p>
          <a href={href(p, `/t/${p.tenant.slug}/register`)}>{p.t("nav.register")}</a>
        </p>
      )}
    </Form>,
    { title, status, ...(error ? { flash: { text: error, error: true } } : {}) },
  );
}

function totpForm(
  p: PageCtx,
  place: SignInPlace,
  enroll?: { secret: string; uri: string },
  error?: string,
) {
  const post = `${place.post.replace("{tenant}", p.tenant?.slug ?? "")}/totp`;
  const next = safeNext(p.form.next);
  return renderPage(
    p,
    <Form action={href(p, post)}>
      {enroll ? (
        <>
          <p>{p.t("auth.enrollHelp")}</p>
          <p>
            {p.t("auth.enrollSecret")}:{" "}
            <span class="secret" data-otpauth={enroll.uri}>
              {enroll.secret}
            </span>
          </p>
        </>
      ) : (
        <p>{p.t("auth.totpHelp")}</p>
      )}
      {next && <input type="hidden" name="next" value={next} />}
      <Field
        name="code"
        label={p.t("auth.totpCode")}
        required
        autocomplete="one-time-code"
        error={error}
      />
      <button type="submit">{p.t("auth.continue")}</button>
    </Form>,
    {
      title: enroll ? p.t("auth.enrollTitle") : p.t("auth.totpTitle"),
      ...(error ? { status: 400 } : {}),
    },
  );
}

function finish(p: PageCtx, place: SignInPlace, r: Extract<SignInResult, { status: "signed_in" }>) {
  p.c.header("Set-Cookie", sessionCookie(r.token, { secure: isSecure(p.c) }).serialize(), {
    append: true,
  });
  const to = safeNext(p.form.next) ?? place.home(p);
  if (!r.recoveryCodes) return redirect(p, to);
  return renderPage(
    p,
    <div class="card">
      <p>{p.t("auth.recoveryHelp")}</p>
      <ul>
        {r.recoveryCodes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <a class="button" href={href(p, to)}>
        {p.t("auth.continue")}
      </a>
    </div>,
    { title: p.t("auth.recoveryTitle") },
  );
}

async function afterPassword(p: PageCtx, place: SignInPlace, r: SignInResult) {
  if (r.status === "signed_in") return finish(p, place, r);
  setCookie(p.c, PENDING_COOKIE, r.pendingToken, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: isSecure(p.c),
    maxAge: 300,
  });
  if (r.status === "totp_required") return totpForm(p, place);
  const enroll = await enrollTotp({ ctx: p.auth, input: { userId: r.userId } });
  return totpForm(p, place, enroll);
}

/** GET form, POST password, POST second factor, for one place. */
export function signInPages(place: SignInPlace): PageDef[] {
  return [
    definePage({
      method: "get",
      path: place.form,
      permission: "public",
      // Already signed in here: straight to the work.
      handler: (p) =>
        p.principal?.kind === place.kind && p.principal.roles.length > 0
          ? redirect(p, place.home(p))
          : signInForm(p, place),
    }),
    definePage({
      method: "post",
      path: place.post,
      permission: "public",
      async handler(p) {
        const { actor: _, ...ctx } = p.auth;
        try {
          const r = await signIn({
            ctx,
            input: {
              login: p.form.login ?? "",
              password: p.form.password ?? "",
              kind: place.kind,
              tenantId: p.tenant?.id ?? null,
              previousToken: readSessionCookie(p.c.req.header("cookie"), isSecure(p.c)),
            },
          });
          return await afterPassword(p, place, r);
        } catch (err) {
          if (isDomainError(err) && err.code === "limit_exceeded")
            return signInForm(p, place, p.t("auth.locked"), 429);
          if (isDomainError(err) && (err.code === "unauthenticated" || err.code === "validation"))
            return signInForm(p, place, p.t("auth.invalid"), 400);
          throw err;
        }
      },
    }),
    definePage({
      method: "post",
      path: `${place.post}/totp`,
      permission: "public",
      async handler(p) {
        const pendingToken = getCookie(p.c, PENDING_COOKIE) ?? "";
        try {
          const r = await verifyTotp({
            ctx: p.auth,
            input: { pendingToken, code: p.form.code ?? "" },
          });
          deleteCookie(p.c, PENDING_COOKIE, { path: "/" });
          if (r.status === "signed_in") return finish(p, place, r);
          return totpForm(p, place, undefined, p.t("auth.totpInvalid"));
        } catch (err) {
          if (isDomainError(err) && (err.code === "unauthenticated" || err.code === "validation")) {
            // A spent or expired pending session: start again with the password.
            if (!pendingToken) return signInForm(p, place, p.t("auth.totpInvalid"), 400);
            return totpForm(p, place, undefined, p.t("auth.totpInvalid"));
          }
          throw err;
        }
      },
    }),
  ];
}

/** POST sign-out and the password change pages for one area. */
export function accountPages(base: string, signInPath: string): PageDef[] {
  return [
    definePage({
      method: "post",
      path: `${base}/sign-out`,
      permission: "public",
      async handler(p) {
        const token = readSessionCookie(p.c.req.header("cookie"), isSecure(p.c));
        if (token) await signOut({ ctx: p.auth, input: { token } });
        p.c.header("Set-Cookie", blankSessionCookie({ secure: isSecure(p.c) }).serialize(), {
          append: true,
        });
        return redirect(
          p,
          signInPath.replace("{tenant}", p.tenant?.slug ?? ""),
          p.t("auth.signedOut"),
        );
      },
    }),
    definePage({
      method: "get",
      path: `${base}/account/password`,
      permission: "signed-in",
      handler: (p) => passwordForm(p, base),
    }),
    definePage({
      method: "post",
      path: `${base}/account/password`,
      permission: "signed-in",
      async handler(p) {
        try {
          await changePassword({
            ctx: p.auth,
            input: {
              userId: p.principal?.id ?? "",
              currentPassword: p.form.currentPassword ?? "",
              newPassword: p.form.newPassword ?? "",
              tenantId: p.tenant?.id ?? null,
            },
          });
        } catch (err) {
          if (isDomainError(err) && err.code === "unauthenticated")
            return passwordForm(p, base, { currentPassword: p.t("auth.invalid") });
          const errors = verbErrors(p.t, err);
          if (errors)
            return passwordForm(p, base, {
              newPassword: errors.password ?? errors.newPassword ?? p.t("form.invalid"),
            });
          throw err;
        }
        p.c.header("Set-Cookie", blankSessionCookie({ secure: isSecure(p.c) }).serialize(), {
          append: true,
        });
        return redirect(
          p,
          signInPath.replace("{tenant}", p.tenant?.slug ?? ""),
          p.t("auth.passwordChanged"),
        );
      },
    }),
  ];
}

function passwordForm(p: PageCtx, base: string, errors: Record<string, string> = {}) {
  const action = `${base.replace("{tenant}", p.tenant?.slug ?? "")}/account/password`;
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={href(p, action)}>
        <Field
          name="currentPassword"
          label={p.t("auth.currentPassword")}
          type="password"
          required
          autocomplete="current-password"
          error={errors.currentPassword}
        />
        <Field
          name="newPassword"
          label={p.t("auth.newPassword")}
          type="password"
          required
          autocomplete="new-password"
          error={errors.newPassword}
        />
        <button type="submit">{p.t("form.save")}</button>
      </Form>
    </>,
    { title: p.t("auth.passwordTitle"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}
