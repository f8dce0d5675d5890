/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  formatDateTime,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
} from "@zhengyun/web";
import { applicationQueue, getApplication } from "../applications.ts";
import { issueCertificate } from "../certificates.ts";
import { actOnApplication } from "../workflow.ts";
import { navLabel, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const BASE = "/t/{tenant}/console/portal";
const ACTIONS = [
  "accept",
  "notice",
  "not_accept",
  "review",
  "approve",
  "refuse",
  "complete",
] as const;
const caseUrl = (p: PageCtx, id: string | number) =>
  `/t/${p.tenant?.slug}/console/portal/applications/${id}`;

export const staffPages: PageDef[] = [
  definePage({
    method: "get",
    path: `${BASE}/queue`,
    permission: "cases:read",
    nav: (t) => navLabel(t, "queue.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const rows = await applicationQueue(ctxOf(p));
      return renderPage(
        p,
        rows.length === 0 ? (
          <p>{m("queue.empty")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{m("track.tracking")}</th>
                <th scope="col">{m("track.state")}</th>
                <th scope="col">{m("track.due")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-overdue={String(r.overdue)}>
                  <td>
                    <a href={caseUrl(p, r.id)}>{r.tracking}</a> {r.applicantName}
                  </td>
                  <td>{m(`state.${r.state}`)}</td>
                  <td>
                    {r.due ? formatDateTime(r.due, p.lang) : "—"}{" "}
                    {r.overdue ? (
                      <strong>{m("queue.overdue")}</strong>
                    ) : r.dueSoon ? (
                      <em>{m("queue.dueSoon")}</em>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
        { title: m("queue.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/applications/{id}`,
    permission: "cases:read",
    async handler(p) {
      const m = portalMessages(p.lang);
      const { application: a, timeline } = await getApplication(
        ctxOf(p),
        p.c.req.param("id") ?? "",
        true,
      );
      const post = `${caseUrl(p, a.id)}`;
      return renderPage(
        p,
        <>
          <p data-state={a.state}>
            {a.tracking} · {a.applicantName} · {m(`state.${a.state}`)} · {m("track.due")}:{" "}
            {a.dueAt ? formatDateTime(a.dueAt, p.lang) : "—"}
          </p>
          <ul>
            {a.materials.map((x) => (
              <li>
                {x.name} ({x.contentType}, {x.size} B)
              </li>
            ))}
          </ul>
          <ol>
            {timeline.map((e) => (
              <li>
                {formatDateTime(e.at, p.lang)} · {m(`state.${e.state}`)} · {e.action} {e.note}
              </li>
            ))}
          </ol>
          <h2>{m("case.actions")}</h2>
          <form method="post" action={post}>
            <label for="reason">{m("case.reason")}</label>
            <textarea id="reason" name="reason" />
            <label for="missing">{m("case.missing")}</label>
            <textarea id="missing" name="missing" />
            {ACTIONS.map((act) => (
              <button type="submit" name="action" value={act}>
                {m(`action.${act}`)}
              </button>
            ))}
            {a.decision === "approved" && (
              <button type="submit" name="action" value="certificate">
                {m("case.certificate")}
              </button>
            )}
          </form>
        </>,
        { title: `${m("track.title")} ${a.tracking}` },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${BASE}/applications/{id}`,
    permission: "cases:write",
    async handler(p) {
      const ctx = ctxOf(p);
      const id = p.c.req.param("id") ?? "";
      const { action = "", reason = "", missing = "" } = p.form;
      if (action === "certificate") {
        await issueCertificate({ ctx, ref: id, input: {} });
      } else {
        const list = missing
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean);
        await actOnApplication({
          ctx,
          ref: id,
          input: {
            action,
            ...(reason.trim() ? { reason } : {}),
            ...(action === "notice" ? { missing: list } : {}),
          },
        });
      }
      return redirect(p, caseUrl(p, id));
    },
  }),
];
