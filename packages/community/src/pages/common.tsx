/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { systemClock } from "@zhengyun/core";
import {
  type FieldErrors,
  formatDateTime,
  href,
  type PageCtx,
  redirect,
  type Translate,
  verbErrors,
} from "@zhengyun/web";
import type { CsCtx } from "../context.ts";
import type { RequestState, UpdateRow } from "../schema.ts";
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
      <table>
        <thead>
          <tr>
            <th scope="col">{t("req.when")}</th>
            <th scope="col">{t("req.state")}</th>
            <th scope="col">{t("req.note")}</th>
          </tr>
        </thead>
        <tbody>
          {updates.map((u) => (
            <tr>
              <td>{when(p, u.at)}</td>
              <td>{stateLabel(t, u.state)}</td>
              <td>{u.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

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

/** Runs a form's verb; a ValidationError re-renders the form with its errors. */
export async function submit(
  p: PageCtx,
  run: () => Promise<unknown>,
  again: (errors: FieldErrors) => Promise<Response>,
  done: string,
) {
  try {
    await run();
  } catch (err) {
    const errors = verbErrors(p.t, err);
    if (errors) return again(errors);
    throw err;
  }
  return redirect(p, at(p, p.path), done);
}
