/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  formatDateTime,
  href,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { getArticle, searchArticles } from "../articles.ts";
import { listItems } from "../catalogue.ts";
import { verifyCertificate } from "../certificates.ts";
import type { PortalCtx } from "../context.ts";
import { navLabel, portalMessages } from "./i18n.ts";

export const ctxOf = (p: PageCtx): PortalCtx => ({
  db: p.c.var.deps.db,
  tenant: p.tenant as NonNullable<PageCtx["tenant"]>,
  ...(p.c.var.deps.clock ? { clock: p.c.var.deps.clock } : {}),
  ...(p.principal
    ? { actor: { id: p.principal.id, kind: p.principal.kind === "citizen" ? "citizen" : "staff" } }
    : {}),
  requestId: p.requestId,
});

export const publicPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/t/{tenant}/verify/{code}",
    permission: "public",
    async handler(p) {
      const m = portalMessages(p.lang);
      const code = p.c.req.param("code") ?? "";
      let v: Awaited<ReturnType<typeof verifyCertificate>> | undefined;
      try {
        v = await verifyCertificate(ctxOf(p), code);
      } catch {
        return renderPage(p, <p role="alert">{m("verify.unknown")}</p>, {
          title: m("verify.title"),
          status: 404,
        });
      }
      return renderPage(
        p,
        <div class="card">
          <p>
            <strong data-status={v.status}>{m(`verify.${v.status}`)}</strong> · {v.code}
          </p>
          <dl>
            <dt>{m("cert.number")}</dt>
            <dd>{v.number}</dd>
            <dt>{m("cert.holder")}</dt>
            <dd>{v.holder}</dd>
            <dt>{m("cert.item")}</dt>
            <dd>{v.itemName}</dd>
            <dt>{m("cert.issuer")}</dt>
            <dd>{v.issuingBody}</dd>
            <dt>{m("cert.validFrom")}</dt>
            <dd>{v.validFrom}</dd>
            <dt>{m("cert.validUntil")}</dt>
            <dd>{v.validUntil ?? m("cert.noLimit")}</dd>
          </dl>
        </div>,
        { title: m("verify.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/services",
    permission: "public",
    nav: (t) => navLabel(t, "items.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const items = await listItems(ctxOf(p));
      return renderPage(
        p,
        items.map((i) => (
          <section class="card">
            <h2>
              {i.name} <small>{i.code}</small>
            </h2>
            <p>
              {i.implementingBody} · {m("items.legal")}: {i.legalDays} · {m("items.promised")}:{" "}
              {i.promisedDays}
            </p>
            <p>
              {m("items.materials")}: {i.materials.map((x) => x.name).join("、")}
            </p>
            {i.online && (
              <p>
                <a
                  href={href(p, `/t/${p.tenant?.slug}/apply/${i.code}`)}
                  aria-label={`${m("items.apply")} · ${i.name}`}
                >
                  {m("items.apply")}
                </a>
              </p>
            )}
          </section>
        )),
        { title: m("items.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/search",
    permission: "public",
    nav: (t) => navLabel(t, "search.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const q = (p.c.req.query("q") ?? "").trim();
      const hits = q ? await searchArticles(ctxOf(p), { q }) : [];
      return renderPage(
        p,
        <>
          <form method="get">
            <label for="q">{m("search.query")}</label>{" "}
            <input id="q" name="q" value={q} maxlength={100} />{" "}
            <button type="submit">{m("search.submit")}</button>
          </form>
          {q && hits.length === 0 && <p>{m("search.none")}</p>}
          <ol>
            {hits.map((h) => (
              <li>
                {/* titleHtml/snippetHtml are escaped by highlight(); only <mark> is markup */}
                <a
                  href={`/t/${p.tenant?.slug}/articles/${h.id}`}
                  dangerouslySetInnerHTML={{ __html: h.titleHtml }}
                />
                <p dangerouslySetInnerHTML={{ __html: h.snippetHtml }} />
              </li>
            ))}
          </ol>
        </>,
        { title: m("search.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/articles/{id}",
    permission: "public",
    async handler(p) {
      const m = portalMessages(p.lang);
      const a = await getArticle(ctxOf(p), Number(p.c.req.param("id")) || 0);
      return renderPage(
        p,
        <article>
          <p>
            {m("article.published")}: {a.publishedAt ? formatDateTime(a.publishedAt, p.lang) : ""}
          </p>
          {/* sanitized on save (xss) */}
          <div dangerouslySetInnerHTML={{ __html: a.body }} />
        </article>,
        { title: a.title },
      );
    },
  }),
];
