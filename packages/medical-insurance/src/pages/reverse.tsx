/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError } from "@zhengyun/core";
import { definePage, Field, href, type PageCtx, redirect, renderPage } from "@zhengyun/web";
import { reverseSettlement } from "../settle.ts";
import { at, CONSOLE, link, miCtx, tr } from "./common.tsx";

const PATH = `${CONSOLE}/persons/{person}/settlements/{id}/reverse`;

/** The confirmation step of a reversal (a destructive action): works without JavaScript. */
function confirmPage(p: PageCtx, status: 200 | 409 = 200) {
  const t = tr(p);
  const id = p.c.req.param("id") ?? "";
  const person = link(p, `${CONSOLE}/persons/${p.c.req.param("person") ?? ""}`);
  const body = (
    <form method="post" action={href(p, p.c.req.path)} class="card">
      <p role="alert">{t("reverse.question")}</p>
      <Field name="reason" label={t("reverse.reason")} value={p.form.reason} />
      <button type="submit" class="danger">
        {t("reverse.submit")}
      </button>{" "}
      <a class="button secondary" href={person}>
        {p.t("form.cancel")}
      </a>
    </form>
  );
  return renderPage(p, body, {
    title: t("reverse.title", { id }),
    status,
    ...(status === 409 ? { flash: { text: t("reverse.already"), error: true } } : {}),
  });
}

const ask = definePage({
  method: "get",
  path: PATH,
  permission: "mi:write",
  handler: (p) => confirmPage(p),
});

/** 冲正: the verb restores the accumulators and the account; a second reversal is refused. */
const reverse = definePage({
  method: "post",
  path: PATH,
  permission: "mi:write",
  handler: async (p) => {
    const id = p.c.req.param("id") ?? "";
    try {
      const r = await reverseSettlement(miCtx(p), id, p.form.reason?.trim() || "reversal");
      return redirect(p, at(p, `${CONSOLE}/persons/${r.person_id}`), tr(p)("reverse.done", { id }));
    } catch (e) {
      if (isDomainError(e) && e.code === "conflict") return confirmPage(p, 409);
      throw e;
    }
  },
});

export const reversePages = [ask, reverse];
