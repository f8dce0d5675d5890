/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { authorize } from "@zhengyun/auth";
import { ForbiddenError } from "@zhengyun/core";
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
  verbErrors,
} from "@zhengyun/web";
import { createCentre, updateCentre } from "../centres.ts";
import { centreLevels } from "../schema.ts";
import { centreInScope, scopedCentres } from "../views.ts";
import { at, CONSOLE, link, navLabel, nowOfPage, num, pageCtx, str, tr } from "./common.tsx";

/** Tenant admins manage the whole tree; community agents read their own subtrees. */
const isAdmin = (p: PageCtx) =>
  authorize(p.principal, "tenant.settings:manage", p.tenant ?? null, nowOfPage(p));

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
      {centres.length === 0 ? (
        <Empty text={t("centres.empty")} />
      ) : (
        <table>
          <caption class="muted">{t("centres.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("centres.name")}</th>
              <th scope="col">{t("centres.level")}</th>
              <th scope="col">{t("req.address")}</th>
              <th scope="col">{t("centres.hours")}</th>
              <th scope="col">{t("centres.contact")}</th>
            </tr>
          </thead>
          <tbody>
            {centres.map((c) => (
              <tr>
                <td style={`padding-left:${0.5 + depth(c.level) * 1.5}rem`}>
                  {admin ? <a href={link(p, `${CONSOLE}/centres/${c.id}`)}>{c.name}</a> : c.name}
                </td>
                <td>{t(`level.${c.level}`)}</td>
                <td>{c.address ?? ""}</td>
                <td>{c.openingHours ?? ""}</td>
                <td>{c.contact ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && (
        <section aria-labelledby="add">
          <h2 id="add">{t("centres.add")}</h2>
          <ErrorSummary p={p} errors={errors} />
          <Form action={link(p, `${CONSOLE}/centres`)}>
            <Field
              name="parentId"
              label={t("centres.parent")}
              value={p.form.parentId}
              error={errors.parentId}
              options={[
                { value: "", label: "—" },
                ...centres
                  .filter((c) => c.level !== "community")
                  .map((c) => ({ value: c.id, label: `${t(`level.${c.level}`)} · ${c.name}` })),
              ]}
            />
            <Field
              name="level"
              label={t("centres.level")}
              value={p.form.level}
              error={errors.level}
              options={centreLevels.map((l) => ({ value: l, label: t(`level.${l}`) }))}
            />
            <Field
              name="name"
              label={t("centres.name")}
              value={p.form.name}
              error={errors.name}
              required
            />
            <Field
              name="address"
              label={t("req.address")}
              value={p.form.address}
              error={errors.address}
            />
            <Field name="lat" label={t("report.lat")} value={p.form.lat} error={errors.lat} />
            <Field name="long" label={t("report.long")} value={p.form.long} error={errors.long} />
            <Field
              name="openingHours"
              label={t("centres.hours")}
              value={p.form.openingHours}
              error={errors.openingHours}
            />
            <Field
              name="contact"
              label={t("centres.contact")}
              value={p.form.contact}
              error={errors.contact}
            />
            <button type="submit">{t("centres.submit")}</button>
          </Form>
        </section>
      )}
    </>,
    { title: t("centres.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
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
    async handler(p) {
      const f = p.form;
      const input = {
        parentId: str(f.parentId),
        level: f.level,
        name: f.name ?? "",
        address: str(f.address),
        lat: num(f.lat),
        long: num(f.long),
        openingHours: str(f.openingHours),
        contact: str(f.contact),
      };
      try {
        await createCentre({ ctx: pageCtx(p), input });
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return centresPage(p, errors);
        throw err;
      }
      return redirect(p, at(p, `${CONSOLE}/centres`), tr(p)("centres.saved"));
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
    async handler(p) {
      const f = p.form;
      const input = {
        id: p.c.req.param("id") ?? "",
        name: f.name ?? "",
        address: str(f.address) ?? null,
        lat: num(f.lat) ?? null,
        long: num(f.long) ?? null,
        openingHours: str(f.openingHours) ?? null,
        contact: str(f.contact) ?? null,
      };
      try {
        await updateCentre({ ctx: pageCtx(p), input });
      } catch (err) {
        const errors = verbErrors(p.t, err);
        if (errors) return editPage(p, errors);
        throw err;
      }
      return redirect(p, at(p, `${CONSOLE}/centres`), tr(p)("centres.saved"));
    },
  }),
];

/** A tenant admin edits a centre's public details (its place in the tree stays). */
async function editPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const c = await centreInScope(pageCtx(p), p.c.req.param("id") ?? "", true);
  const v = (k: string, cur: string | number | null) =>
    p.form[k] ?? (cur === null ? undefined : String(cur));
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form action={link(p, `${CONSOLE}/centres/${c.id}`)}>
        <Field
          name="name"
          label={t("centres.name")}
          value={v("name", c.name)}
          error={errors.name}
          required
        />
        <Field
          name="address"
          label={t("req.address")}
          value={v("address", c.address)}
          error={errors.address}
        />
        <Field name="lat" label={t("report.lat")} value={v("lat", c.lat)} error={errors.lat} />
        <Field name="long" label={t("report.long")} value={v("long", c.long)} error={errors.long} />
        <Field
          name="openingHours"
          label={t("centres.hours")}
          value={v("openingHours", c.openingHours)}
          error={errors.openingHours}
        />
        <Field
          name="contact"
          label={t("centres.contact")}
          value={v("contact", c.contact)}
          error={errors.contact}
        />
        <button type="submit">{t("act.submit")}</button>
      </Form>
    </>,
    {
      title: `${t(`level.${c.level}`)} · ${c.name}`,
      ...(Object.keys(errors).length ? { status: 400 } : {}),
    },
  );
}
