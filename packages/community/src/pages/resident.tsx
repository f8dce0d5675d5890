/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  Empty,
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
import { activeServices, rateOwnRequest, residentRequest, residentRequests } from "../views.ts";
import { AttributeFields, attributeAnswers } from "./attributes.tsx";
import {
  at,
  Facts,
  History,
  link,
  navLabel,
  num,
  PORTAL,
  pageCtx,
  serviceNames,
  stateLabel,
  str,
  tr,
  when,
} from "./common.tsx";

const userOf = (p: PageCtx) => p.principal?.id ?? "";

/**
 * Two steps without JavaScript: choose the service (a GET form), then describe the problem with
 * that service's own questions.
 */
async function reportForm(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const services = await activeServices(pageCtx(p));
  const name = (s: { nameZh: string; nameEn: string }) => (p.lang === "en" ? s.nameEn : s.nameZh);
  const code = p.form.serviceCode ?? p.c.req.query("service");
  const service = services.find((s) => s.code === code);
  const status = Object.keys(errors).length ? { status: 400 as const } : {};
  if (!service) {
    return renderPage(
      p,
      <form method="get" action={at(p, `${PORTAL}/report`)} class="card">
        <Field
          name="service"
          label={t("report.service")}
          options={services.map((s) => ({ value: s.code, label: name(s) }))}
          required
        />
        {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
        <button type="submit">{t("report.next")}</button>
      </form>,
      { title: t("report.title") },
    );
  }
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <p>
        {t("report.service")}: <strong>{name(service)}</strong>{" "}
        <a href={link(p, `${PORTAL}/report`)}>{t("report.change")}</a>
      </p>
      <Form action={link(p, `${PORTAL}/report`)}>
        <input type="hidden" name="serviceCode" value={service.code} />
        <Field
          name="description"
          label={t("report.description")}
          value={p.form.description}
          error={errors.description}
          multiline
        />
        <AttributeFields defs={service.attributes} form={p.form} errors={errors} />
        <Field
          name="address"
          label={t("report.address")}
          hint={t("report.addressHint")}
          value={p.form.address}
          error={errors.address ?? errors.location}
          autocomplete="street-address"
        />
        <Field
          name="lat"
          label={t("report.lat")}
          hint={t("report.coordsHint")}
          value={p.form.lat}
          error={errors.lat}
        />
        <Field name="long" label={t("report.long")} value={p.form.long} error={errors.long} />
        <Field
          name="phone"
          label={t("report.phone")}
          value={p.form.phone}
          error={errors.phone}
          type="tel"
          autocomplete="tel"
        />
        <button type="submit">{t("report.submit")}</button>
      </Form>
    </>,
    { title: t("report.title"), ...status },
  );
}

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
              options={["5", "4", "3", "2", "1"].map((n) => ({ value: n, label: `${n}/5` }))}
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
    { title: t("req.title", { id: r.id }), ...(Object.keys(errors).length ? { status: 400 } : {}) },
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
          {rows.length === 0 ? (
            <Empty text={t("mine.empty")} />
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("req.title", { id: "" }).trim()}</th>
                  <th scope="col">{t("req.service")}</th>
                  <th scope="col">{t("req.state")}</th>
                  <th scope="col">{t("req.requested")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>
                      <a href={link(p, `${PORTAL}/requests/${r.id}`)}>{r.id}</a>
                    </td>
                    <td>{service(r.serviceCode)}</td>
                    <td>{stateLabel(t, r.state)}</td>
                    <td>{when(p, r.requestedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
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
