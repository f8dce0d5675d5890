/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
  validate,
  verbErrors,
} from "@zhengyun/web";
import { reportInput, reportOf } from "../http/resident.ts";
import { ratingInput } from "../http/staff.ts";
import { submitRequest } from "../requests.ts";
import { rateOwnRequest, residentRequest, residentRequests } from "../views.ts";
import { attributeAnswers } from "./attributes.tsx";
import {
  at,
  Facts,
  formPage,
  History,
  link,
  navLabel,
  num,
  PORTAL,
  pageCtx,
  ratingOptions,
  serviceNames,
  stateLabel,
  str,
  Table,
  tr,
  when,
} from "./common.tsx";
import { requestForm } from "./report-form.tsx";

const userOf = (p: PageCtx) => p.principal?.id ?? "";

/** The resident's report: the shared two-step request form. */
const reportForm = (p: PageCtx, errors: FieldErrors = {}) =>
  requestForm(p, {
    path: `${PORTAL}/report`,
    title: tr(p)("report.title"),
    errors,
    own: true,
    phone: { label: tr(p)("report.phone") },
  });

const idOf = (p: PageCtx) => Number.parseInt(p.c.req.param("id") ?? "", 10) || 0;

async function requestPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const v = await residentRequest(pageCtx(p), userOf(p), idOf(p));
  const r = v.request;
  return renderPage(
    p,
    <>
      <Facts
        rows={[
          [t("req.service"), (await serviceNames(p))(r.serviceCode)],
          [t("req.state"), stateLabel(t, r.state)],
          [t("req.centre"), v.centre?.name],
          [t("req.requested"), when(p, r.requestedAt)],
          [t("req.due"), r.state === "closed" ? undefined : when(p, r.dueAt)],
          [t("req.address"), r.address],
          [t("req.description"), r.description],
          [t("req.rating"), r.rating === null ? undefined : `${r.rating}/5`],
        ]}
      />
      <History p={p} updates={v.updates} />
      {r.state === "replied" && r.rating === null && (
        <section aria-labelledby="rate">
          <h2 id="rate">{t("req.rate")}</h2>
          <ErrorSummary p={p} errors={errors} />
          <Form action={link(p, `${PORTAL}/requests/${r.id}/rating`)}>
            <Field
              name="rating"
              label={t("req.rating")}
              value={p.form.rating ?? "5"}
              error={errors.rating}
              options={ratingOptions}
            />
            <Field
              name="comment"
              label={t("req.comment")}
              value={p.form.comment}
              error={errors.comment}
              multiline
            />
            <button type="submit">{t("req.rateSubmit")}</button>
          </Form>
        </section>
      )}
    </>,
    formPage(t("req.title", { id: r.id }), errors),
  );
}

export const residentPages: PageDef[] = [
  definePage({
    method: "get",
    path: PORTAL,
    permission: "citizen:self",
    nav: navLabel("nav.resident"),
    async handler(p) {
      const t = tr(p);
      const rows = await residentRequests(pageCtx(p), userOf(p));
      const service = await serviceNames(p);
      return renderPage(
        p,
        <>
          <p>
            <a class="button" href={link(p, `${PORTAL}/report`)}>
              {t("mine.report")}
            </a>{" "}
            <a href={link(p, `${PORTAL}/notices`)}>{t("mine.notices")}</a>{" "}
            <a href={link(p, `${PORTAL}/appointments`)}>{t("mine.appointments")}</a>
          </p>
          <Table
            empty={t("mine.empty")}
            head={[
              t("req.title", { id: "" }).trim(),
              t("req.service"),
              t("req.state"),
              t("req.requested"),
            ]}
            rows={rows}
            row={(r) => (
              <tr>
                <td>
                  <a href={link(p, `${PORTAL}/requests/${r.id}`)}>{r.id}</a>
                </td>
                <td>{service(r.serviceCode)}</td>
                <td>{stateLabel(t, r.state)}</td>
                <td>{when(p, r.requestedAt)}</td>
              </tr>
            )}
          />
        </>,
        { title: t("mine.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${PORTAL}/report`,
    permission: "citizen:self",
    handler: (p) => reportForm(p),
  }),
  definePage({
    method: "post",
    path: `${PORTAL}/report`,
    permission: "citizen:self",
    async handler(p) {
      const f = p.form;
      const input = {
        serviceCode: f.serviceCode ?? "",
        description: str(f.description),
        address: str(f.address),
        lat: num(f.lat),
        long: num(f.long),
        phone: str(f.phone),
        attributes: attributeAnswers(f),
      };
      const v = validate(p.t, reportInput, input);
      if (!v.ok) return reportForm(p, v.errors);
      try {
        const s = await submitRequest({ ctx: pageCtx(p), input: reportOf(userOf(p), v.data) });
        const t = tr(p);
        return redirect(
          p,
          at(p, `${PORTAL}/requests/${s.id}`),
          t("report.done", { id: s.id, due: when(p, s.dueAt) }),
        );
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return reportForm(p, errors);
        throw err;
      }
    },
  }),
  definePage({
    method: "get",
    path: `${PORTAL}/requests/{id}`,
    permission: "citizen:self",
    handler: (p) => requestPage(p),
  }),
  definePage({
    method: "post",
    path: `${PORTAL}/requests/{id}/rating`,
    permission: "citizen:self",
    async handler(p) {
      const v = validate(p.t, ratingInput, { rating: p.form.rating, comment: str(p.form.comment) });
      if (!v.ok) return requestPage(p, v.errors);
      const input = {
        rating: v.data.rating,
        ...(v.data.comment ? { comment: v.data.comment } : {}),
      };
      await rateOwnRequest(pageCtx(p), userOf(p), idOf(p), input);
      return redirect(p, at(p, `${PORTAL}/requests/${idOf(p)}`), tr(p)("req.rated"));
    },
  }),
];
