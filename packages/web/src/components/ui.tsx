/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { PageCtx } from "../page.ts";
import { href } from "../render.tsx";

export type FieldErrors = Record<string, string>;

/** A labelled field; an error shows beside it (aria-describedby) and the typed value is kept. */
export function Field(props: {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  type?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  multiline?: boolean;
  options?: { value: string; label: string }[];
}) {
  const id = `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : "", props.error ? `${id}-err` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    id,
    name: props.name,
    "aria-invalid": props.error ? "true" : undefined,
    "aria-describedby": described || undefined,
    required: props.required,
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.options ? (
        <select {...common}>
          {props.options.map((o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : props.multiline ? (
        <textarea {...common} rows={3}>
          {props.value ?? ""}
        </textarea>
      ) : (
        <input
          {...common}
          type={props.type ?? "text"}
          value={props.type === "password" ? undefined : props.value}
          autocomplete={props.autocomplete}
        />
      )}
      {props.hint && (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="error-text" id={`${id}-err`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** A form summary when fields failed: announced to screen readers, links to the first field. */
export function ErrorSummary({ p, errors }: { p: PageCtx; errors: FieldErrors }) {
  const names = Object.keys(errors);
  if (names.length === 0) return null;
  return (
    <div class="flash error" role="alert">
      <a href={`#f-${names[0]}`}>{p.t("form.errorsSummary")}</a>
    </div>
  );
}

/** A POST form with the "progress" affordance for long work (shown on submit when JS runs). */
export function Form({
  action,
  children,
  progress,
}: {
  action: string;
  children?: Child;
  progress?: string;
}) {
  return (
    <form method="post" action={action} class="card" data-progress={progress ? "1" : undefined}>
      {children}
      {progress && (
        <>
          <p class="progress" hidden role="status">
            <progress aria-label={progress} /> {progress}
          </p>
          {raw(
            `<script>document.currentScript.closest("form").addEventListener("submit",function(e){var p=e.target.querySelector(".progress");if(p)p.hidden=false;var b=e.target.querySelector("button[type=submit]");if(b)b.disabled=true;});</script>`,
          )}
        </>
      )}
    </form>
  );
}

export const Empty = ({ text }: { text: string }) => <p class="empty">{text}</p>;

/** Destructive actions go through this page: works without JavaScript, focus lands on it. */
export function Confirm({
  p,
  question,
  action,
  fields,
  danger,
}: {
  p: PageCtx;
  question: string;
  action: string;
  fields?: Record<string, string>;
  danger?: string;
}) {
  return (
    <form method="post" action={href(p, action)} class="card">
      <p role="alert">{question}</p>
      {Object.entries(fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="danger">
        {danger ?? p.t("form.confirm")}
      </button>{" "}
      <a class="button secondary" href={href(p, p.path.replace(/\/[^/]+$/, ""))}>
        {p.t("form.cancel")}
      </a>
    </form>
  );
}

export interface Column<R> {
  key: string;
  label: string;
  sortable?: boolean;
  numeric?: boolean;
  cell: (row: R) => Child;
}

export interface TableQuery {
  sort: string;
  dir: "asc" | "desc";
  q: string;
  page: number;
  pageSize: number;
}

/** Reads sort/filter/page from the query string, with defaults and bounds. */
export function tableQuery(p: PageCtx, sortable: string[], def: string): TableQuery {
  const sort = p.c.req.query("sort") ?? def;
  const page = Number.parseInt(p.c.req.query("page") ?? "1", 10);
  return {
    sort: sortable.includes(sort) ? sort : def,
    dir: p.c.req.query("dir") === "desc" ? "desc" : "asc",
    q: (p.c.req.query("q") ?? "").slice(0, 100),
    page: Number.isFinite(page) && page > 0 ? page : 1,
    pageSize: 50,
  };
}

/** A sortable, filterable, paginated table; links only, so it works without JavaScript. */
export function DataTable<R>(props: {
  p: PageCtx;
  caption: string;
  columns: Column<R>[];
  rows: R[];
  total: number;
  query: TableQuery;
  empty: string;
}) {
  const { p, query } = props;
  const link = (over: Partial<TableQuery>) => {
    const s = { ...query, ...over };
    return href(p, p.path, { sort: s.sort, dir: s.dir, q: s.q, page: String(s.page) });
  };
  const pages = Math.max(1, Math.ceil(props.total / query.pageSize));
  return (
    <>
      <search>
        <form method="get" action={p.path} class="filters">
          <div class="field">
            <label for="f-q">{p.t("table.filter")}</label>
            <input id="f-q" name="q" value={query.q} type="search" />
          </div>
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="dir" value={query.dir} />
          {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
          <button type="submit">{p.t("table.search")}</button>
        </form>
      </search>
      {props.rows.length === 0 ? (
        <Empty text={props.empty} />
      ) : (
        <table>
          <caption class="muted">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((col) => {
                const active = query.sort === col.key;
                const sortAttr = active
                  ? query.dir === "asc"
                    ? "ascending"
                    : "descending"
                  : undefined;
                return (
                  <th scope="col" aria-sort={sortAttr} class={col.numeric ? "num" : undefined}>
                    {col.sortable ? (
                      <a
                        href={link({
                          sort: col.key,
                          dir: active && query.dir === "asc" ? "desc" : "asc",
                          page: 1,
                        })}
                        aria-label={p.t("table.sortBy", { column: col.label })}
                      >
                        {col.label} {active ? (query.dir === "asc" ? "▲" : "▼") : ""}
                      </a>
                    ) : (
                      col.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                {props.columns.map((col) => (
                  <td class={col.numeric ? "num" : undefined}>{col.cell(r)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav
        class="pager"
        aria-label={p.t("table.page", { page: query.page, pages, total: props.total })}
      >
        {query.page > 1 && <a href={link({ page: query.page - 1 })}>{p.t("table.prev")}</a>}
        <span>{p.t("table.page", { page: query.page, pages, total: props.total })}</span>
        {query.page < pages && <a href={link({ page: query.page + 1 })}>{p.t("table.next")}</a>}
      </nav>
    </>
  );
}
