/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  type PageCtx,
  renderPage,
} from "@zhengyun/web";
import type { Child } from "hono/jsx";
import { activeServices } from "../views.ts";
import { AttributeFields } from "./attributes.tsx";
import { at, formPage, link, pageCtx, tr } from "./common.tsx";

/**
 * The request form in two steps without JavaScript: choose the service (a GET form), then describe
 * the problem with that service's own Open311 questions, an address and optional coordinates. The
 * resident's report and the staff's phone/counter entry share it; `lead` adds fields at the top.
 */
export async function requestForm(
  p: PageCtx,
  opts: {
    path: string;
    title: string;
    errors: FieldErrors;
    /** Residents fill in their own details (autocomplete); staff type a resident's. */
    own: boolean;
    phone: { label: string; hint?: string; required?: boolean };
    lead?: Child;
  },
) {
  const t = tr(p);
  const { errors } = opts;
  const services = await activeServices(pageCtx(p));
  const name = (s: { nameZh: string; nameEn: string }) => (p.lang === "en" ? s.nameEn : s.nameZh);
  const code = p.form.serviceCode ?? p.c.req.query("service");
  const service = services.find((s) => s.code === code);
  if (!service) {
    return renderPage(
      p,
      <form method="get" action={at(p, opts.path)} class="card">
        <Field
          name="service"
          label={t("report.service")}
          options={services.map((s) => ({ value: s.code, label: name(s) }))}
          required
        />
        {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
        <button type="submit">{t("report.next")}</button>
      </form>,
      { title: opts.title },
    );
  }
  const auto = (v: string) => (opts.own ? v : "off");
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <p>
        {t("report.service")}: <strong>{name(service)}</strong>{" "}
        <a href={link(p, opts.path)}>{t("report.change")}</a>
      </p>
      <Form action={link(p, opts.path)}>
        <input type="hidden" name="serviceCode" value={service.code} />
        {opts.lead}
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
          autocomplete={auto("street-address")}
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
          label={opts.phone.label}
          value={p.form.phone}
          error={errors.phone ?? errors["contact.phone"]}
          type="tel"
          autocomplete={auto("tel")}
          {...(opts.phone.hint ? { hint: opts.phone.hint } : {})}
          {...(opts.phone.required ? { required: true } : {})}
        />
        <button type="submit">{t("report.submit")}</button>
      </Form>
    </>,
    formPage(opts.title, errors),
  );
}
