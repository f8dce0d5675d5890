/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  formatDateTime,
  href,
  type PageDef,
  redirect,
  renderPage,
} from "@zhengyun/web";
import { editorialQueue } from "../articles.ts";
import { calendarYear, editCalendarDay } from "../calendar.ts";
import { navLabel, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const BASE = "/t/{tenant}/console/portal";

/** The editorial queue and the tenant's holiday calendar (staff). */
export const editorialPages: PageDef[] = [
  definePage({
    method: "get",
    path: `${BASE}/editorial`,
    permission: "portal:read",
    nav: (t) => navLabel(t, "editorial.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const rows = await editorialQueue(ctxOf(p));
      return renderPage(
        p,
        <ul>
          {rows.map((r) => (
            <li data-state={r.state}>
              <a
                href={href(p, `/t/${p.tenant?.slug}/console/portal/articles`, { id: String(r.id) })}
              >
                {r.title}
              </a>{" "}
              · {m(`articleState.${r.state}`)} · {formatDateTime(r.updatedAt, p.lang)}
              {r.publishAt ? ` → ${formatDateTime(r.publishAt, p.lang)}` : ""}
            </li>
          ))}
        </ul>,
        { title: m("editorial.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/calendar`,
    permission: "cases:read",
    nav: (t) => navLabel(t, "calendar.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const year = Number(p.c.req.query("year")) || new Date().getUTCFullYear();
      const days = await calendarYear(ctxOf(p), year);
      return renderPage(
        p,
        <table>
          <tbody>
            {days.map((d) => (
              <tr>
                <td>{d.day}</td>
                <td>{d.working ? m("calendar.work") : m("calendar.off")}</td>
                <td>{d.edited ? `${m("calendar.edited")} ${d.note}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>,
        { title: `${m("calendar.title")} ${year}` },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${BASE}/calendar`,
    permission: "tenant.settings:manage",
    async handler(p) {
      const { day = "", kind = "", note = "" } = p.form;
      await editCalendarDay({ ctx: ctxOf(p), input: { day, kind, note } });
      return redirect(p, `/t/${p.tenant?.slug}/console/portal/calendar?year=${day.slice(0, 4)}`);
    },
  }),
];
