/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, formatDateTime, type PageCtx, type PageDef, renderPage } from "@zhengyun/web";
import { applicationQueue } from "../applications.ts";
import { casePages } from "./case.tsx";
import { navLabel, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const BASE = "/t/{tenant}/console/portal";
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
  ...casePages,
];
