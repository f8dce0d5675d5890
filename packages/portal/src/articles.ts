import { writeAudit } from "@zhengyun/audit";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@zhengyun/core";
import { query as runSql, type Tx } from "@zhengyun/db";
import { withTenant } from "@zhengyun/tenancy";
import { and, desc, eq, isNotNull, lte, type SQL, sql } from "drizzle-orm";
import { filterXSS } from "xss";
import { z } from "zod";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import {
  type PortalArticle,
  portalArticles,
  portalCategories,
  portalChannels,
} from "./schema-publishing.ts";
import { highlight, indexTokens, queryTerms, queryTokens } from "./search-tokens.ts";

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

export const channelInput = z.object({
  slug,
  name: z.string().trim().min(1).max(100),
  category: slug.optional(),
});

/** Saves a channel, or a category of one when `category` is given. */
export async function saveChannel({ ctx, input }: { ctx: PortalCtx; input: unknown }) {
  const i = parse(channelInput, input);
  await withTenant(ctx.db, ctx.tenant, async (tx) => {
    if (i.category) {
      const [ch] = await tx.select().from(portalChannels).where(eq(portalChannels.slug, i.slug));
      if (!ch) throw new NotFoundError(`No channel ${i.slug}`);
      await tx
        .insert(portalCategories)
        .values({ slug: i.category, channel: i.slug, name: i.name })
        .onConflictDoUpdate({
          target: portalCategories.slug,
          set: { name: i.name, channel: i.slug },
        });
    } else {
      await tx
        .insert(portalChannels)
        .values({ slug: i.slug, name: i.name })
        .onConflictDoUpdate({ target: portalChannels.slug, set: { name: i.name } });
    }
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.channel.save",
      objectType: "portal_channel",
      objectId: i.category ?? i.slug,
      data: { name: i.name },
    });
  });
}

export const articleInput = z.object({
  channel: slug,
  category: slug.nullish(),
  title: z.string().trim().min(1).max(200),
  summary: z.string().trim().max(1000).default(""),
  body: z.string().min(1).max(200_000),
  coverKey: z
    .string()
    .regex(/^files\/obj_[0-9A-Za-z]+$/)
    .nullish(),
  attachments: z
    .array(
      z.object({
        name: z.string().min(1).max(200),
        key: z.string().regex(/^files\/obj_[0-9A-Za-z]+$/),
      }),
    )
    .max(20)
    .default([]),
});

/** Rich text keeps its formatting and loses scripts, handlers and javascript: links. */
export const sanitize = (html: string) =>
  filterXSS(html, { stripIgnoreTag: true, stripIgnoreTagBody: ["script", "style"] });
const plain = (html: string) =>
  html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/\s+/g, " ")
    .trim();

const searchVector = (title: string, summary: string, body: string) =>
  sql`setweight(to_tsvector('simple', ${indexTokens(title)}), 'A') || setweight(to_tsvector('simple', ${indexTokens(`${summary} ${plain(body)}`)}), 'B')`;

async function load(tx: Tx, id: number) {
  const [a] = await tx.select().from(portalArticles).where(eq(portalArticles.id, id));
  if (!a) throw new NotFoundError(`No article ${id}`);
  return a;
}

/** A new draft, or an edit of a draft or withdrawn article (which goes back to draft). */
export async function saveArticle({
  ctx,
  id,
  input,
}: {
  ctx: PortalCtx;
  id?: number;
  input: unknown;
}): Promise<PortalArticle> {
  const i = parse(articleInput, input);
  const author = ctx.actor?.id;
  if (!author) throw new ValidationError("An author is required");
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const [ch] = await tx.select().from(portalChannels).where(eq(portalChannels.slug, i.channel));
    if (!ch) throw new ValidationError(`channel: no channel ${i.channel}`);
    const now = nowOf(ctx);
    const body = sanitize(i.body);
    const values = {
      ...i,
      category: i.category ?? null,
      coverKey: i.coverKey ?? null,
      body,
      search: searchVector(i.title, i.summary, body),
      state: "draft" as const,
      reviewerId: null,
      publishAt: null,
      updatedAt: now,
    };
    let row: PortalArticle | undefined;
    if (id === undefined) {
      [row] = await tx
        .insert(portalArticles)
        .values({ ...values, authorId: author })
        .returning();
    } else {
      const a = await load(tx, id);
      if (a.state === "submitted" || a.state === "published")
        throw new ConflictError(`A ${a.state} article cannot be edited; withdraw it first`);
      [row] = await tx
        .update(portalArticles)
        .set(values)
        .where(eq(portalArticles.id, id))
        .returning();
    }
    if (!row) throw new Error("write returned nothing");
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.article.save",
      objectType: "portal_article",
      objectId: String(row.id),
      data: { title: i.title },
    });
    return row;
  });
}

export const articleActionInput = z.discriminatedUnion("action", [
  z.object({ action: z.literal("submit") }),
  /** Publish now, or at `publishAt` (the scheduled-publishing job does it then). */
  z.object({
    action: z.literal("publish"),
    publishAt: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({ action: z.literal("withdraw"), reason: z.string().trim().min(1).max(1000) }),
]);

/** draft → submitted → published → withdrawn; the reviewer who publishes is never the author. */
export async function actOnArticle({
  ctx,
  id,
  input,
}: {
  ctx: PortalCtx;
  id: number;
  input: unknown;
}) {
  const i = parse(articleActionInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const a = await load(tx, id);
    const now = nowOf(ctx);
    const actor = ctx.actor?.id ?? null;
    let set: Partial<PortalArticle>;
    if (i.action === "submit") {
      if (a.state !== "draft")
        throw new ConflictError(`Only a draft can be submitted (this one is ${a.state})`);
      set = { state: "submitted" };
    } else if (i.action === "publish") {
      if (a.state !== "submitted" || a.reviewerId)
        throw new ConflictError(`Only a submitted article awaiting review can be published`);
      if (actor === a.authorId)
        throw new ForbiddenError("The reviewer must not be the article's author");
      const at = i.publishAt ? new Date(i.publishAt) : now;
      set =
        at > now
          ? { reviewerId: actor, publishAt: at }
          : { state: "published", reviewerId: actor, publishedAt: now };
    } else {
      if (a.state !== "published" && !(a.state === "submitted" && a.reviewerId))
        throw new ConflictError("Only a published or scheduled article can be withdrawn");
      set = { state: "withdrawn", withdrawnReason: i.reason, publishAt: null };
    }
    const [row] = await tx
      .update(portalArticles)
      .set({ ...set, updatedAt: now })
      .where(eq(portalArticles.id, id))
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: `portal.article.${i.action}`,
      objectType: "portal_article",
      objectId: String(id),
      data: { from: a.state, ...set },
    });
    return row as PortalArticle;
  });
}

/** The scheduled-publishing job: reviewed articles whose time has come go live. */
export async function publishDue(ctx: PortalCtx): Promise<number> {
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const now = nowOf(ctx);
    const due = await tx
      .update(portalArticles)
      .set({ state: "published", publishedAt: sql`${portalArticles.publishAt}`, updatedAt: now })
      .where(
        and(
          eq(portalArticles.state, "submitted"),
          isNotNull(portalArticles.reviewerId),
          lte(portalArticles.publishAt, now),
        ),
      )
      .returning({ id: portalArticles.id });
    for (const d of due)
      await writeAudit(tx, {
        ...auditActor(ctx),
        action: "portal.article.scheduled_publish",
        objectType: "portal_article",
        objectId: String(d.id),
      });
    return due.length;
  });
}

const listed = {
  id: portalArticles.id,
  channel: portalArticles.channel,
  category: portalArticles.category,
  title: portalArticles.title,
  summary: portalArticles.summary,
  publishedAt: portalArticles.publishedAt,
  updatedAt: portalArticles.updatedAt,
};

export const listQuery = z.object({
  channel: slug.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
});

/** Published articles, newest first. */
export async function listArticles(ctx: PortalCtx, query: unknown) {
  const q = parse(listQuery, query);
  return withTenant(
    ctx.db,
    ctx.tenant,
    (tx) =>
      tx
        .select(listed)
        .from(portalArticles)
        .where(
          and(
            eq(portalArticles.state, "published"),
            q.channel ? eq(portalArticles.channel, q.channel) : undefined,
          ),
        )
        .orderBy(desc(portalArticles.publishedAt), desc(portalArticles.id))
        .limit(q.size)
        .offset((q.page - 1) * q.size),
    { readOnly: true },
  );
}

/** One article: the public get published ones only; editors (`any`) see every state. */
export async function getArticle(ctx: PortalCtx, id: number, any = false) {
  const a = await withTenant(ctx.db, ctx.tenant, (tx) => load(tx, id), { readOnly: true });
  if (!any && a.state !== "published") throw new NotFoundError(`No article ${id}`);
  const { search: _, ...rest } = a;
  return rest;
}

/** The editorial queue: everything not published or withdrawn, oldest first. */
export async function editorialQueue(ctx: PortalCtx) {
  return withTenant(
    ctx.db,
    ctx.tenant,
    (tx) =>
      tx
        .select({
          ...listed,
          state: portalArticles.state,
          authorId: portalArticles.authorId,
          reviewerId: portalArticles.reviewerId,
          publishAt: portalArticles.publishAt,
        })
        .from(portalArticles)
        .where(sql`${portalArticles.state} in ('draft', 'submitted')`)
        .orderBy(portalArticles.updatedAt),
    { readOnly: true },
  );
}

/**
 * How many of the newest published articles the first pass reads per result the page reaches (at
 * least 1,000): it holds the page whenever a tier's hits are denser than 1 in 100, and a sparser
 * tier costs its GIN lookup about as much as the walk (≈ 1,000 rows in 100,000 articles).
 */
const WINDOW_PER_HIT = 100;
const MIN_WINDOW = 1000;
interface Match {
  id: number | string;
  title: boolean;
}
interface Hit {
  id: number | string;
  channel: string;
  category: string | null;
  title: string;
  summary: string;
  body: string;
  publishedAt: Date | string | null;
  updatedAt: Date | string;
  rank: number | string;
}

export const searchQuery = z.object({
  q: z.string().trim().min(1).max(100),
  page: z.coerce.number().int().min(1).max(50).default(1),
  size: z.coerce.number().int().min(1).max(50).default(10),
});

/** A title hit: every query token in the title. Its GIN index (lookups) takes this form… */
const titleHit = (tsq: SQL) => sql`ts_filter(search, '{a}') @@ ${tsq}`;
/**
 * …and a row already read takes this one: the tokens weighted A, which spares ts_filter's copy of
 * the vector (several times the cost when most of the first pass matches). Tokens are letters and
 * digits only, so quoting them needs no escapes.
 */
const titleQuery = (tokens: string[]) =>
  sql`to_tsquery('simple', ${tokens.map((t) => `'${t}':A`).join(" & ")})`;
const idList = (ms: Match[]) =>
  sql.join(
    ms.map((m) => sql`${Number(m.id)}`),
    sql`, `,
  );

/**
 * Full-text search over published articles, a page at a time: title hits first (every query token
 * in the title), then hits in the text, each newest first; `rank` is the hit's `ts_rank` (title
 * weight 1, text 0.4), with highlighted title and snippet.
 *
 * The order never needs every match: a first pass filters the newest articles (one walk of the date
 * index, bounded), which holds the page whenever the term is frequent. Only a tier it leaves short
 * is looked up in full through a GIN index (title lexemes, or all), and that tier is then rare.
 * `opts.window` overrides the first pass's size (tests). Two statements either way.
 */
export async function searchArticles(
  ctx: PortalCtx,
  query: unknown,
  opts: { window?: number } = {},
) {
  const q = parse(searchQuery, query);
  const tokens = queryTokens(q.q);
  if (tokens.length === 0) return [];
  const tsq = sql`plainto_tsquery('simple', ${tokens.join(" ")})`;
  const from = (q.page - 1) * q.size;
  const end = from + q.size;
  const window = opts.window ?? Math.max(MIN_WINDOW, WINDOW_PER_HIT * end);
  const rows = await withTenant(
    ctx.db,
    ctx.tenant,
    async (tx) => {
      const recent = await runSql<Match>(
        tx,
        sql`select id, search @@ qa as title
          from (select id, published_at, search from portal_articles where state = 'published'
                order by published_at desc, id desc limit ${window}) w, ${tsq} q,
            ${titleQuery(tokens)} qa
          where search @@ q
          order by published_at desc, id desc`,
      );
      const titles = recent.filter((m) => m.title);
      const bodies = recent.filter((m) => !m.title);
      let page: SQL;
      if (titles.length >= end) {
        page = sql`select id, 1 as tier, published_at from portal_articles
                 where id in (${idList(titles.slice(from, end))})`;
      } else {
        // Title hits are sparse: all of them from the title index, then body hits from the first
        // pass if it holds enough, else from the full index. The CTEs are materialized so the planner
        // cannot trade the GIN bitmap for a walk of the date index filtering row by row: bigrams of
        // one word are so correlated that its estimates cannot tell a rare term from a frequent one.
        const body =
          bodies.length >= end
            ? sql`select id, published_at from portal_articles
                where id in (${idList(bodies.slice(0, end))})`
            : sql`select id, published_at from portal_articles
                where state = 'published' and search @@ ${tsq}
                  and not search @@ ${titleQuery(tokens)}`;
        page = sql`with t as materialized (select id, published_at from portal_articles
                   where state = 'published' and ${titleHit(tsq)}),
                 b as materialized (${body})
                 select id, tier, published_at from (
                   (select id, 1 as tier, published_at from t
                    order by published_at desc, id desc limit ${end})
                   union all
                   (select id, 0, published_at from b order by published_at desc, id desc limit ${end})
                 ) u order by tier desc, published_at desc, id desc offset ${from} limit ${q.size}`;
      }
      return runSql<Hit>(
        tx,
        sql`with p as (${page})
          select a.id, a.channel, a.category, a.title, a.summary, a.body,
            a.published_at as "publishedAt", a.updated_at as "updatedAt", ts_rank(a.search, q) as rank
          from p join portal_articles a on a.id = p.id, ${tsq} q
          order by p.tier desc, p.published_at desc, p.id desc`,
      );
    },
    { readOnly: true },
  );
  const terms = queryTerms(q.q);
  return rows.map(({ body, rank, ...r }) => ({
    ...r,
    id: Number(r.id),
    publishedAt: r.publishedAt === null ? null : new Date(r.publishedAt),
    updatedAt: new Date(r.updatedAt),
    rank: Number(rank),
    titleHtml: highlight(r.title, terms, 200),
    snippetHtml: highlight(`${r.summary} ${plain(body)}`.trim(), terms),
  }));
}
