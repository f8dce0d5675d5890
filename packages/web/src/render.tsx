/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { getCookie, setCookie } from "hono/cookie";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { css } from "./components/styles.ts";
import type { MessageKey } from "./i18n/index.ts";
import type { PageCtx, PageHooks } from "./page.ts";

const FLASH_COOKIE = "zy_flash";

/** A URL that keeps an explicit `lang` choice. */
export function href(p: PageCtx, path: string, params: Record<string, string> = {}): string {
  const all = { ...params, ...(p.langExplicit ? { lang: p.lang } : {}) };
  const qs = new URLSearchParams(all).toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

/** 303 to `path` (keeping `lang`), optionally with a flash message for the next page. */
export function redirect(p: PageCtx, path: string, flash?: string): Response {
  if (flash !== undefined) {
    setCookie(p.c, FLASH_COOKIE, encodeURIComponent(flash), {
      path: "/",
      sameSite: "Lax",
      httpOnly: true,
    });
  }
  return p.c.redirect(href(p, path), 303);
}

function takeFlash(p: PageCtx): string | undefined {
  const v = getCookie(p.c, FLASH_COOKIE);
  if (v === undefined) return undefined;
  setCookie(p.c, FLASH_COOKIE, "", { path: "/", maxAge: 0 });
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

const homeOf = (p: PageCtx): string =>
  p.area === "vendor"
    ? "/"
    : p.area === "tenant"
      ? `/t/${p.tenant?.slug}/console`
      : `/t/${p.tenant?.slug}/`;

function Header({ p }: { p: PageCtx }) {
  const { t } = p;
  const title =
    p.area === "vendor" ? t("app.vendorConsole") : p.tenant ? p.tenant.name : t("app.portal");
  const other = p.lang === "en" ? "zh-CN" : "en";
  const signOut =
    p.area === "portal" && p.tenant
      ? `/t/${p.tenant.slug}/sign-out`
      : p.area === "tenant"
        ? `/t/${p.tenant?.slug}/console/sign-out`
        : "/sign-out";
  const password =
    p.area === "vendor"
      ? "/account/password"
      : p.area === "tenant"
        ? `/t/${p.tenant?.slug}/console/account/password`
        : `/t/${p.tenant?.slug}/account/password`;
  return (
    <header class="top">
      <a class="brand" href={href(p, homeOf(p))}>
        {t("app.name")} · {title}
      </a>
      {p.nav.length > 0 && (
        <nav class="main" aria-label={t("nav.main")}>
          <ul>
            {p.nav.map((n) => (
              <li>
                <a href={href(p, n.href)} aria-current={n.current ? "page" : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div class="who">
        <a href={`${p.path}?lang=${other}`} lang={other} hreflang={other}>
          {t("lang.switch")}
        </a>
        {p.principal && (
          <>
            <a href={href(p, password)}>{t("nav.password")}</a>
            <form method="post" action={href(p, signOut)}>
              <button type="submit">{t("nav.signOut")}</button>
            </form>
          </>
        )}
      </div>
    </header>
  );
}

export interface RenderOptions {
  title: string;
  status?: 200 | 400 | 403 | 404 | 409 | 429 | 500;
  flash?: { text: string; error?: boolean };
}

/** The shell around a page body: `<html lang>`, header, navigation, flash, main landmark. */
export function Layout({
  p,
  title,
  flash,
  children,
}: {
  p: PageCtx;
  title: string;
  flash?: RenderOptions["flash"];
  children?: Child;
}) {
  return (
    <html lang={p.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${p.t("app.name")}`}</title>
        <style>{raw(css)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          {p.t("app.skip")}
        </a>
        <Header p={p} />
        <main id="main" tabindex={-1}>
          {flash && (
            <div
              class={flash.error ? "flash error" : "flash"}
              role={flash.error ? "alert" : "status"}
            >
              {flash.text}
            </div>
          )}
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** Renders a page body inside the shell; a pending flash message shows once. */
export function renderPage(p: PageCtx, body: Child, opts: RenderOptions): Response {
  const pending = takeFlash(p);
  const flash = opts.flash ?? (pending ? { text: pending } : undefined);
  const html = `<!doctype html>${(
    (
      <Layout p={p} title={opts.title} {...(flash ? { flash } : {})}>
        {body}
      </Layout>
    )
  ).toString()}`;
  return p.c.html(html, opts.status ?? 200, { "Cache-Control": "no-store" });
}

const ERROR_KEYS: Record<400 | 403 | 404 | 409 | 429 | 500, MessageKey> = {
  400: "error.400",
  403: "error.403",
  404: "error.404",
  409: "error.409",
  429: "error.429",
  500: "error.500",
};

export const shellHooks: PageHooks = {
  signInUrl(p) {
    const base =
      p.area === "vendor"
        ? "/"
        : p.area === "tenant"
          ? `/t/${p.tenant?.slug}/console/sign-in`
          : `/t/${p.tenant?.slug}/sign-in`;
    return href(p, base, { next: p.path });
  },
  /** Error pages in the shell's style: the request id, never a stack trace. */
  errorPage(p, status) {
    const body = (
      <div class="card">
        <p>
          {p.t("error.requestId")}: <code>{p.requestId}</code>
        </p>
        <p>
          <a href={href(p, homeOf(p))}>{p.t("error.back")}</a>
        </p>
      </div>
    );
    return renderPage(p, body, { title: `${status} · ${p.t(ERROR_KEYS[status])}`, status });
  },
};
