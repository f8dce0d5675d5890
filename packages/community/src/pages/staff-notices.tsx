/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  Empty,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { publishNotice } from "../notices.ts";
import { centreInScope, noticesOf, scopedCentres } from "../views.ts";
import {
  CONSOLE,
  FormSection,
  formPage,
  NoticeCard,
  navLabel,
  pageCtx,
  submit,
  tr,
  when,
} from "./common.tsx";

async function noticesPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const ctx = pageCtx(p);
  const centres = await scopedCentres(ctx, false);
  const notices = await noticesOf(
    ctx,
    centres.map((c) => c.id),
  );
  const f = p.form;
  return renderPage(
    p,
    <>
      <FormSection
        p={p}
        id="publish"
        title={t("notices.publish")}
        action={`${CONSOLE}/notices`}
        submit={t("notices.submit")}
        errors={errors}
      >
        <Field
          name="centreId"
          label={t("slots.centre")}
          value={f.centreId}
          error={errors.centreId}
          options={centres.map((c) => ({ value: c.id, label: c.name }))}
        />
        <Field
          name="title"
          label={t("notices.heading")}
          value={f.title}
          error={errors.title}
          required
        />
        <Field
          name="body"
          label={t("notices.body")}
          value={f.body}
          error={errors.body}
          multiline
          required
        />
      </FormSection>
      {notices.length === 0 ? (
        <Empty text={t("notices.empty")} />
      ) : (
        notices.map((n) => (
          <NoticeCard
            title={n.title}
            meta={`${centres.find((c) => c.id === n.centreId)?.name ?? ""} · ${when(p, n.publishedAt)}`}
            body={n.body}
          />
        ))
      )}
    </>,
    formPage(t("notices.title"), errors),
  );
}

export const staffNoticePages: PageDef[] = [
  definePage({
    method: "get",
    path: `${CONSOLE}/notices`,
    permission: "community:read",
    nav: navLabel("nav.notices"),
    handler: (p) => noticesPage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/notices`,
    permission: "community:write",
    handler(p) {
      const ctx = pageCtx(p);
      const input = {
        centreId: p.form.centreId ?? "",
        title: p.form.title ?? "",
        body: p.form.body ?? "",
      };
      return submit(
        p,
        async () => {
          await centreInScope(ctx, input.centreId);
          await publishNotice({ ctx, input });
        },
        (e) => noticesPage(p, e),
        tr(p)("notices.published"),
      );
    },
  }),
];
