/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
  validate,
} from "@zhengyun/web";
import {
  actOnArticle,
  articleActionInput,
  articleInput,
  editorialQueue,
  getArticle,
  listArticles,
  saveArticle,
} from "../articles.ts";
import { at, CONSOLE, issueErrors, link, Table, tr, when } from "./common.tsx";
import { navLabel } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const PATH = `${CONSOLE}/articles`;
type Article = Awaited<ReturnType<typeof getArticle>>;

/** The actions an article's state allows: draft → submitted → published (or scheduled) → withdrawn. */
const actionsOf = (a: Article) =>
  a.state === "draft"
    ? (["submit"] as const)
    : a.state === "submitted" && !a.reviewerId
      ? (["publish"] as const)
      : a.state === "published" || (a.state === "submitted" && a.reviewerId)
        ? (["withdraw"] as const)
        : ([] as const);

async function editorPage(
  p: PageCtx,
  errors: FieldErrors = {},
  status: 200 | 400 | 403 | 409 = 200,
  flash?: string,
) {
  const t = tr(p);
  const ctx = ctxOf(p);
  const [queue, published] = await Promise.all([
    editorialQueue(ctx),
    listArticles(ctx, { size: 100 }),
  ]);
  const id = Number(p.c.req.query("id") ?? p.c.req.param("id")) || undefined;
  const article = id ? await getArticle(ctx, id, true) : undefined;
  const fromForm = status === 400 && p.form.action === undefined;
  const f: Record<string, string | undefined> = fromForm
    ? p.form
    : article
      ? {
          channel: article.channel,
          category: article.category ?? "",
          title: article.title,
          summary: article.summary,
          body: article.body,
        }
      : {};
  const rows = [
    ...queue.map((a) => ({ ...a, state: a.state as string })),
    ...published.map((a) => ({ ...a, state: "published", publishAt: null })),
  ];
  const editable = !article || article.state === "draft" || article.state === "withdrawn";
  const actions = link(p, `${PATH}/${article?.id}/actions`);
  const body = (
    <>
      <p>
        <a href={link(p, PATH)}>{t("articles.new")}</a>
      </p>
      <Table
        caption={t("articles.caption")}
        empty={t("articles.none")}
        head={[t("articles.articleTitle"), t("articles.state"), t("articles.updated")]}
        rows={rows.map((r) => [
          <a href={link(p, PATH, { id: String(r.id) })}>{r.title}</a>,
          <span data-state={r.state}>
            {t(`articleState.${r.state as "draft"}`)}
            {r.publishAt ? ` · ${t("articles.scheduled", { at: when(p, r.publishAt) })}` : ""}
          </span>,
          when(p, r.updatedAt),
        ])}
      />
      <h2 id="edit">
        {article ? `${t("articles.editing")}: ${article.title}` : t("articles.new")}
      </h2>
      {article && (
        <p data-state={article.state}>
          {t("articles.state")}: {t(`articleState.${article.state}`)}
        </p>
      )}
      <ErrorSummary p={p} errors={errors} />
      {errors._ && <p class="error-text">{errors._}</p>}
      {article &&
        actionsOf(article).map((a) => (
          <form method="post" action={actions} class="card" aria-label={t(`articleAction.${a}`)}>
            <input type="hidden" name="action" value={a} />
            {a === "publish" && (
              <Field
                name="publishAt"
                label={t("articles.publishAt")}
                type="datetime-local"
                value={p.form.publishAt}
                error={errors.publishAt}
              />
            )}
            {a === "withdraw" && (
              <Field
                name="reason"
                label={t("articles.withdrawReason")}
                value={p.form.reason}
                error={errors.reason}
                required
              />
            )}
            <button type="submit">{t(`articleAction.${a}`)}</button>
          </form>
        ))}
      {editable && (
        <form method="post" action={link(p, PATH)} class="card" aria-labelledby="edit">
          {article && <input type="hidden" name="id" value={String(article.id)} />}
          <Field
            name="channel"
            label={t("articles.channel")}
            hint={t("articles.channelHint")}
            value={f.channel}
            error={errors.channel}
            required
          />
          <Field
            name="category"
            label={t("articles.category")}
            value={f.category}
            error={errors.category}
          />
          <Field
            name="title"
            label={t("articles.articleTitle")}
            value={f.title}
            error={errors.title}
            required
          />
          <Field
            name="summary"
            label={t("articles.summary")}
            value={f.summary}
            error={errors.summary}
            multiline
          />
          <Field
            name="body"
            label={t("articles.body")}
            value={f.body}
            error={errors.body}
            multiline
            required
          />
          <button type="submit">{t("form.saveDraft")}</button>
        </form>
      )}
    </>
  );
  return renderPage(p, body, {
    title: t("articles.title"),
    status,
    ...(flash ? { flash: { text: flash, error: true } } : {}),
  });
}

/** Article editor (portal editors): write and edit drafts, submit, publish (not one's own), withdraw. */
export const articlePages: PageDef[] = [
  definePage({
    method: "get",
    path: PATH,
    permission: "portal:read",
    nav: (tt) => navLabel(tt, "articles.title"),
    handler: (p) => editorPage(p),
  }),
  definePage({
    method: "post",
    path: PATH,
    permission: "portal:write",
    async handler(p) {
      const t = tr(p);
      const f = p.form;
      const input = {
        channel: f.channel?.trim() ?? "",
        ...(f.category?.trim() ? { category: f.category.trim() } : {}),
        title: f.title ?? "",
        summary: f.summary ?? "",
        body: f.body ?? "",
      };
      const id = Number(f.id) || undefined;
      const v = validate(p.t, articleInput, input);
      if (!v.ok) return editorPage(p, v.errors, 400);
      try {
        const saved = await saveArticle({ ctx: ctxOf(p), ...(id ? { id } : {}), input: v.data });
        return redirect(p, `${at(p, PATH)}?id=${saved.id}`, t("articles.saved"));
      } catch (e) {
        // The verb names an unknown channel in its message.
        if (isDomainError(e) && e.code === "validation" && e.message.startsWith("channel:"))
          return editorPage(p, { channel: p.t("form.invalid") }, 400);
        const errors = issueErrors(p, e);
        if (errors) return editorPage(p, errors, 400);
        throw e;
      }
    },
  }),
  definePage({
    method: "post",
    path: `${PATH}/{id}/actions`,
    permission: "portal:write",
    async handler(p) {
      const t = tr(p);
      const id = Number(p.c.req.param("id")) || 0;
      const f = p.form;
      const input = {
        action: f.action ?? "",
        ...(f.action === "publish" && f.publishAt?.trim()
          ? { publishAt: shanghaiIso(f.publishAt.trim()) }
          : {}),
        ...(f.action === "withdraw" ? { reason: f.reason ?? "" } : {}),
      };
      const v = validate(p.t, articleActionInput, input);
      if (!v.ok) return editorPage(p, v.errors, 400);
      try {
        await actOnArticle({ ctx: ctxOf(p), id, input: v.data });
      } catch (e) {
        if (isDomainError(e) && e.code === "forbidden")
          return editorPage(p, {}, 403, t("articles.authorCannotPublish"));
        if (isDomainError(e) && e.code === "conflict")
          return editorPage(p, {}, 409, t("case.stateChanged"));
        const errors = issueErrors(p, e);
        if (errors) return editorPage(p, errors, 400);
        throw e;
      }
      return redirect(
        p,
        `${at(p, PATH)}?id=${id}`,
        t("articles.done", { action: t(`articleAction.${v.data.action}`) }),
      );
    },
  }),
];

/** A `datetime-local` value is Shanghai wall time; anything else is left for the schema to refuse. */
const shanghaiIso = (v: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+08:00` : v;
