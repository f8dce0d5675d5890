/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { authorize } from "@zhengyun/auth";
import { ForbiddenError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { createCentre, updateCentre } from "../centres.ts";
import { type CentreRow, centreLevels } from "../schema.ts";
import { centreInScope, scopedCentres } from "../views.ts";
import {
  CONSOLE,
  centreOptions,
  FormSection,
  formPage,
  link,
  navLabel,
  nowOfPage,
  num,
  pageCtx,
  str,
  submit,
  Table,
  tr,
} from "./common.tsx";
import type { CsT } from "./i18n.ts";

/** Tenant admins manage the whole tree; community agents read their own subtrees. */
const isAdmin = (p: PageCtx) =>
  authorize(p.principal, "tenant.settings:manage", p.tenant ?? null, nowOfPage(p));

/** A centre's public details, shared by the add and the edit form. */
function CentreFields(props: {
  t: CsT;
  value: (name: string) => string | undefined;
  errors: FieldErrors;
}) {
  const { t, value, errors } = props;
  const field = (name: string, label: string, required = false) => (
    <Field name={name} label={label} value={value(name)} error={errors[name]} required={required} />
  );
  return (
    <>
      {field("name", t("centres.name"), true)}
      {field("address", t("req.address"))}
      {field("lat", t("report.lat"))}
      {field("long", t("report.long"))}
      {field("openingHours", t("centres.hours"))}
      {field("contact", t("centres.contact"))}
    </>
  );
}

/** The detail fields of a posted centre form, as the verbs take them. */
const detailsOf = (f: Record<string, string>) => ({
  name: f.name ?? "",
  address: str(f.address),
  lat: num(f.lat),
  long: num(f.long),
  openingHours: str(f.openingHours),
  contact: str(f.contact),
});

async function centresPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const admin = isAdmin(p);
  const now = nowOfPage(p);
  if (!admin && !authorize(p.principal, "community:read", p.tenant ?? null, now)) {
    throw new ForbiddenError("Centres are for community staff and tenant admins");
  }
  const centres = await scopedCentres(pageCtx(p), admin);
  const depth = (level: string) => centreLevels.indexOf(level as (typeof centreLevels)[number]);
  return renderPage(
    p,
    <>
      <Table
        caption={t("centres.caption")}
        empty={t("centres.empty")}
        head={[
          t("centres.name"),
          t("centres.level"),
          t("req.address"),
          t("centres.hours"),
          t("centres.contact"),
        ]}
        rows={centres}
        row={(c: CentreRow) => (
          <tr>
            <td style={`padding-left:${0.5 + depth(c.level) * 1.5}rem`}>
              {admin ? <a href={link(p, `${CONSOLE}/centres/${c.id}`)}>{c.name}</a> : c.name}
            </td>
            <td>{t(`level.${c.level}`)}</td>
            <td>{c.address ?? ""}</td>
            <td>{c.openingHours ?? ""}</td>
            <td>{c.contact ?? ""}</td>
          </tr>
        )}
      />
      {admin && (
        <FormSection
          p={p}
          id="add"
          title={t("centres.add")}
          action={`${CONSOLE}/centres`}
          submit={t("centres.submit")}
          errors={errors}
        >
          <Field
            name="parentId"
            label={t("centres.parent")}
            value={p.form.parentId}
            error={errors.parentId}
            options={[
              { value: "", label: "—" },
              ...centreOptions(
                t,
                centres.filter((c) => c.level !== "community"),
              ),
            ]}
          />
          <Field
            name="level"
            label={t("centres.level")}
            value={p.form.level}
            error={errors.level}
            options={centreLevels.map((l) => ({ value: l, label: t(`level.${l}`) }))}
          />
          <CentreFields t={t} value={(k) => p.form[k]} errors={errors} />
        </FormSection>
      )}
    </>,
    formPage(t("centres.title"), errors),
  );
}

export const staffCentrePages: PageDef[] = [
  definePage({
    method: "get",
    path: `${CONSOLE}/centres`,
    permission: "staff",
    nav: navLabel("nav.centres"),
    handler: (p) => centresPage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/centres`,
    permission: "tenant.settings:manage",
    handler(p) {
      const input = { ...detailsOf(p.form), parentId: str(p.form.parentId), level: p.form.level };
      return submit(
        p,
        () => createCentre({ ctx: pageCtx(p), input }),
        (e) => centresPage(p, e),
        tr(p)("centres.saved"),
      );
    },
  }),
  definePage({
    method: "get",
    path: `${CONSOLE}/centres/{id}`,
    permission: "tenant.settings:manage",
    handler: (p) => editPage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/centres/{id}`,
    permission: "tenant.settings:manage",
    handler(p) {
      const d = detailsOf(p.form);
      // Emptied fields clear the stored value.
      const input = {
        id: p.c.req.param("id") ?? "",
        name: d.name,
        address: d.address ?? null,
        lat: d.lat ?? null,
        long: d.long ?? null,
        openingHours: d.openingHours ?? null,
        contact: d.contact ?? null,
      };
      return submit(
        p,
        () => updateCentre({ ctx: pageCtx(p), input }),
        (e) => editPage(p, e),
        tr(p)("centres.saved"),
        `${CONSOLE}/centres`,
      );
    },
  }),
];

/** A tenant admin edits a centre's public details (its place in the tree stays). */
async function editPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const c = await centreInScope(pageCtx(p), p.c.req.param("id") ?? "", true);
  const stored: Record<string, string | number | null> = {
    name: c.name,
    address: c.address,
    lat: c.lat,
    long: c.long,
    openingHours: c.openingHours,
    contact: c.contact,
  };
  const value = (k: string) => {
    const cur = stored[k];
    return p.form[k] ?? (cur === null || cur === undefined ? undefined : String(cur));
  };
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={link(p, `${CONSOLE}/centres/${c.id}`)}>
        <CentreFields t={t} value={value} errors={errors} />
        <button type="submit">{t("act.submit")}</button>
      </Form>
    </>,
    formPage(`${t(`level.${c.level}`)} · ${c.name}`, errors),
  );
}
