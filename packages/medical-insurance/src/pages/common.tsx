/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { systemClock } from "@zhengyun/core";
import {
  type FieldErrors,
  fieldErrors,
  formatDateTime,
  formatMoney,
  href,
  type PageCtx,
  type Translate,
} from "@zhengyun/web";
import type { Child } from "hono/jsx";
import type { MiCtx } from "../context.ts";
import { type MiKey, type MiT, miT } from "./i18n.ts";

export const CONSOLE = "/t/{tenant}/console/medical";

/** The path with the page's tenant filled in. */
export const at = (p: PageCtx, path: string) => path.replace("{tenant}", p.tenant?.slug ?? "");
export const link = (p: PageCtx, path: string, params: Record<string, string> = {}) =>
  href(p, at(p, path), params);

export const tr = (p: PageCtx): MiT => miT(p.lang);

/** A navigation label: the shell passes its own translator, whose language switch tells the page's. */
export const navLabel =
  (key: MiKey) =>
  (t: Translate): string =>
    miT(t("lang.switch") === "English" ? "zh-CN" : "en")(key);

/** The verbs' context from a page: the signed-in officer acts, audited under this request. */
export function miCtx(p: PageCtx): MiCtx {
  if (!p.tenant) throw new Error("tenant page without a tenant");
  return {
    db: p.c.var.deps.db,
    tenant: p.tenant,
    actorId: p.principal?.id ?? null,
    actorRole: p.principal?.roles[0] ?? p.principal?.kind ?? null,
    requestId: p.requestId,
  };
}

export const money = (fen: number | bigint | null | undefined) => formatMoney(fen ?? 0);

/** The national interface's amount fields of a settlement, in the order the pages show them. */
export const AMOUNTS = [
  "medfee_sumamt",
  "fulamt_ownpay_amt",
  "preselfpay_amt",
  "inscp_scp_amt",
  "act_pay_dedc",
  "hifp_pay",
  "acct_pay",
  "psn_cash_pay",
  "fund_pay_sumamt",
  "psn_part_amt",
] as const;
export const when = (p: PageCtx, d: Date | string | null) =>
  d ? formatDateTime(new Date(d), p.lang) : "";
/** Today (or `now`'s day) in Asia/Shanghai as YYYY-MM-DD. */
export const shanghaiDay = (p: PageCtx) =>
  formatDateTime((p.c.var.deps.clock ?? systemClock).now(), "en", false);

/**
 * Field errors keyed by the full path (`items.0.quantity`), so a line item's error shows beside
 * that item; the wording is the shell's ("required" / "check this field").
 */
export function pathErrors(
  t: Translate,
  issues: readonly { path: readonly PropertyKey[] | string; code?: string; input?: unknown }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const name = typeof i.path === "string" ? i.path : i.path.map(String).join(".");
    out[name || "_"] ??= fieldErrors(t, [{ ...i, path: "x" }]).x ?? t("form.invalid");
  }
  return out;
}

/** A simple table with a caption; numeric columns right-aligned. */
export function Table(props: {
  caption: string;
  head: { label: string; num?: boolean }[];
  rows: Child[][];
  empty: string;
}) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <table>
      <caption class="muted">{props.caption}</caption>
      <thead>
        <tr>
          {props.head.map((h) => (
            <th scope="col" class={h.num ? "num" : undefined}>
              {h.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            {r.map((cell, i) => (
              <td class={props.head[i]?.num ? "num" : undefined}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A definition list of label/value pairs. */
export function Facts({ rows }: { rows: [string, Child][] }) {
  return (
    <dl class="card">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/** Hidden inputs carrying a form's values (the pre-settlement's confirm step), keeping `lang`. */
export const Hidden = ({ values }: { values: Record<string, string> }) => (
  <>
    {Object.entries(values).map(([k, v]) => (
      <input type="hidden" name={k} value={v} />
    ))}
  </>
);
