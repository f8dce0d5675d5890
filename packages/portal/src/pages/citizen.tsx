/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, formatDateTime, type PageDef, redirect, renderPage } from "@zhengyun/web";
import { listArticles } from "../articles.ts";
import { publicQa, submitConsultation } from "../consultations.ts";
import { navLabel, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

/** Notices, and Q&A with the question form. */
export const citizenPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/t/{tenant}/notices",
    permission: "public",
    nav: (t) => navLabel(t, "notices.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const rows = await listArticles(ctxOf(p), { channel: "notices" });
      return renderPage(
        p,
        <ul>
          {rows.map((a) => (
            <li>
              <a href={`/t/${p.tenant?.slug}/articles/${a.id}`}>{a.title}</a>{" "}
              {a.publishedAt ? formatDateTime(a.publishedAt, p.lang, false) : ""}
            </li>
          ))}
        </ul>,
        { title: m("notices.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/t/{tenant}/consultations",
    permission: "public",
    nav: (t) => navLabel(t, "qa.title"),
    async handler(p) {
      const m = portalMessages(p.lang);
      const qa = await publicQa(ctxOf(p));
      return renderPage(
        p,
        <>
          <dl>
            {qa.map((x) => (
              <>
                <dt>
                  {x.subject}：{x.question}
                </dt>
                <dd>{x.answer}</dd>
              </>
            ))}
          </dl>
          {p.principal && (
            <form method="post">
              <label for="name">{m("qa.name")}</label>
              <input id="name" name="name" required maxlength={100} />
              <label for="subject">{m("qa.subject")}</label>
              <input id="subject" name="subject" required maxlength={200} />
              <label for="question">{m("qa.question")}</label>
              <textarea id="question" name="question" required />
              <label for="department">{m("qa.department")}</label>
              <input id="department" name="department" required maxlength={200} />
              <button type="submit">{m("qa.submit")}</button>
            </form>
          )}
        </>,
        { title: m("qa.title") },
      );
    },
  }),
  definePage({
    method: "post",
    path: "/t/{tenant}/consultations",
    permission: "signed-in",
    async handler(p) {
      const { name = "", subject = "", question = "", department = "" } = p.form;
      const c = await submitConsultation({
        ctx: ctxOf(p),
        input: { kind: "consultation", name, subject, question, department },
      });
      return redirect(p, `/t/${p.tenant?.slug}/consultations`, c.tracking);
    },
  }),
];
