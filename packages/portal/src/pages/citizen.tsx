/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, formatDateTime, type PageDef, redirect, renderPage } from "@zhengyun/web";
import { submitApplication } from "../applications.ts";
import { listArticles } from "../articles.ts";
import { getItem } from "../catalogue.ts";
import { publicQa, submitConsultation } from "../consultations.ts";
import { navLabel, portalMessages } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

/** Notices, Q&A with the question form, and the apply form (materials go through the API's uploads). */
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
  definePage({
    method: "get",
    path: "/t/{tenant}/apply/{code}",
    permission: "signed-in",
    async handler(p) {
      const m = portalMessages(p.lang);
      const item = await getItem(ctxOf(p), p.c.req.param("code") ?? "");
      return renderPage(
        p,
        <form method="post">
          <label for="applicantName">{m("apply.name")}</label>
          <input id="applicantName" name="applicantName" required maxlength={100} />
          {item.fields.map((f) => (
            <>
              <label for={`f_${f.name}`}>{f.label}</label>
              <input id={`f_${f.name}`} name={`f_${f.name}`} required={f.required} />
            </>
          ))}
          <button type="submit">{m("items.apply")}</button>
        </form>,
        { title: `${m("items.apply")} · ${item.name}` },
      );
    },
  }),
  definePage({
    method: "post",
    path: "/t/{tenant}/apply/{code}",
    permission: "signed-in",
    async handler(p) {
      const form = Object.fromEntries(
        Object.entries(p.form)
          .filter(([k]) => k.startsWith("f_"))
          .map(([k, v]) => [k.slice(2), v]),
      );
      const app = await submitApplication({
        ctx: ctxOf(p),
        input: {
          itemCode: p.c.req.param("code") ?? "",
          applicantName: p.form.applicantName ?? "",
          form,
        },
      });
      return redirect(p, `/t/${p.tenant?.slug}/track/${app.tracking}`);
    },
  }),
];
