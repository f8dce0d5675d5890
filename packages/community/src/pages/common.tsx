/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { systemClock } from "@zhengyun/core";
import {
  Empty,
  ErrorSummary,
  type FieldErrors,
  Form,
  formatDateTime,
  href,
  type PageCtx,
  redirect,
  type Translate,
  verbErrors,
} from "@zhengyun/web";
import type { Child } from "hono/jsx";
import type { CsCtx } from "../context.ts";
import { noteText } from "../history.ts";
import type { CentreRow, RequestState, UpdateRow } from "../schema.ts";
import { activeServices } from "../views.ts";
import { type CsKey, type CsT, csT } from "./i18n.ts";

export const PORTAL = "/t/{tenant}/community";
export const CONSOLE = "/t/{tenant}/console/community";

/** The path with the page's tenant filled in. */
export const at = (p: PageCtx, path: string) => path.replace("{tenant}", p.tenant?.slug ?? "");

export const tr = (p: PageCtx): CsT => csT(p.lang);

/** A navigation label: the shell passes its own translator, whose language switch tells the page's. */
export const navLabel =
  (key: CsKey) =>
  (t: Translate): string =>
    csT(t("lang.switch") === "English" ? "zh-CN" : "en")(key);

/** The verbs' context from a page: staff act as staff, citizens as residents. */
export function pageCtx(p: PageCtx): CsCtx {
  if (!p.tenant) throw new Error("tenant page without a tenant");
  const clock = p.c.var.deps.clock;
  const who = p.principal;
  return {
    db: p.c.var.deps.db,
    tenant: p.tenant,
    ...(clock ? { clock } : {}),
    ...(who ? { actor: { id: who.id, role: who.kind === "citizen" ? "resident" : "staff" } } : {}),
    requestId: p.requestId,
  };
}

export const nowOfPage = (p: PageCtx): Date => (p.c.var.deps.clock ?? systemClock).now();

export const when = (p: PageCtx, d: Date | string) => formatDateTime(new Date(d), p.lang);

export const stateLabel = (t: CsT, s: RequestState) => t(`state.${s}`);

/** A numeric form field: empty → undefined, otherwise a number (NaN fails the schema). */
export const num = (v: string | undefined) =>
  v === undefined || v.trim() === "" ? undefined : Number(v);
/** A non-empty trimmed string or undefined. */
export const str = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** Beijing local "YYYY-MM-DDTHH:mm" from a datetime-local field as an instant. */
export const localTime = (v: string | undefined) =>
  v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+08:00` : (v ?? "");

export function History({ p, updates }: { p: PageCtx; updates: UpdateRow[] }) {
  const t = tr(p);
  return (
    <section aria-labelledby="history">
      <h2 id="history">{t("req.history")}</h2>
      <Table
        head={[t("req.when"), t("req.state"), t("req.note")]}
        rows={updates}
        row={(u) => (
          <tr>
            <td>{when(p, u.at)}</td>
            <td>{stateLabel(t, u.state)}</td>
            <td>
              {u.clientStatus && `${t("history.client", { status: u.clientStatus })}: `}
              {noteText(u, p.lang)}
              {u.mediaUrl && (
                <>
                  {" "}
                  <a href={u.mediaUrl} rel="noopener noreferrer nofollow">
                    {t("history.media")}
                  </a>
                </>
              )}
            </td>
          </tr>
        )}
      />
    </section>
  );
}

/**
 * A plain table (a column heading `[label, "num"]` is right-aligned for numbers), or the empty
 * message when there are no rows and `empty` is given.
 */
export function Table<R>(props: {
  head: (string | [string, "num"])[];
  rows: R[];
  row: (r: R) => Child;
  caption?: string;
  empty?: string;
}) {
  if (props.rows.length === 0 && props.empty) return <Empty text={props.empty} />;
  return (
    <table>
      {props.caption && <caption class="muted">{props.caption}</caption>}
      <thead>
        <tr>
          {props.head.map((h) =>
            typeof h === "string" ? (
              <th scope="col">{h}</th>
            ) : (
              <th scope="col" class="num">
                {h[0]}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{props.rows.map(props.row)}</tbody>
    </table>
  );
}

/** A titled section holding one POST form with its submit button (and the errors' summary). */
export function FormSection(props: {
  p: PageCtx;
  id: string;
  title: string;
  action: string;
  submit: string;
  errors?: FieldErrors;
  children?: Child;
}) {
  const { p } = props;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.errors && <ErrorSummary p={p} errors={props.errors} />}
      <Form action={link(p, props.action)}>
        {props.children}
        <button type="submit">{props.submit}</button>
      </Form>
    </section>
  );
}

/** A notice as a card: title, a muted line (centre, date), text. */
export const NoticeCard = (props: { title: string; meta: string; body: string }) => (
  <article class="card">
    <h2>{props.title}</h2>
    <p class="muted">{props.meta}</p>
    <p>{props.body}</p>
  </article>
);

/** Render options of a form page: its title, and 400 when the form came back with errors. */
export const formPage = (title: string, errors: FieldErrors = {}) => ({
  title,
  ...(Object.keys(errors).length ? { status: 400 as const } : {}),
});

/** Centres as select options, "level · name". */
export const centreOptions = (t: CsT, centres: CentreRow[]) =>
  centres.map((c) => ({ value: c.id, label: `${t(`level.${c.level}`)} · ${c.name}` }));

/** The 5-to-1 rating choices. */
export const ratingOptions = ["5", "4", "3", "2", "1"].map((n) => ({ value: n, label: `${n}/5` }));

/** A definition list of label/value pairs. */
export function Facts({ rows }: { rows: [string, string | number | null | undefined][] }) {
  return (
    <dl class="card">
      {rows
        .filter(([, v]) => v !== null && v !== undefined && v !== "")
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
    </dl>
  );
}

export const link = (p: PageCtx, path: string, params: Record<string, string> = {}) =>
  href(p, at(p, path), params);

/** Service names in the page's language by code (a retired service shows its code). */
export async function serviceNames(p: PageCtx): Promise<(code: string) => string> {
  const names = new Map(
    (await activeServices(pageCtx(p))).map((s) => [s.code, p.lang === "en" ? s.nameEn : s.nameZh]),
  );
  return (code) => names.get(code) ?? code;
}

/**
 * Runs a form's verb; a ValidationError (or another field-shaped domain error) re-renders the form
 * with its errors, success redirects with the flash message (from the verb's result when `done` is
 * a function) to `to`, by default the same page.
 */
export async function submit<T>(
  p: PageCtx,
  run: () => Promise<T>,
  again: (errors: FieldErrors) => Promise<Response>,
  done: string | ((result: T) => string),
  to: string = p.path,
) {
  let result: T;
  try {
    result = await run();
  } catch (err) {
    const errors = verbErrors(p.t, err);
    if (errors) return again(errors);
    throw err;
  }
  return redirect(p, at(p, to), typeof done === "string" ? done : done(result));
}
