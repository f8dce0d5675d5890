/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  redirect,
  renderPage,
  validate,
  verbErrors,
} from "@zhengyun/web";
import { institutionInput, listInstitutions, upsertInstitution } from "../institutions.ts";
import { levels } from "../params.ts";
import { at, CONSOLE, link, miCtx, navLabel, Table, tr } from "./common.tsx";

const PATH = `${CONSOLE}/institutions`;

async function page(p: PageCtx, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const t = tr(p);
  const rows = await listInstitutions(miCtx(p));
  const code = p.c.req.query("code");
  const editing = status === 200 && code ? rows.find((r) => r.code === code) : undefined;
  const f: Record<string, string | undefined> = editing
    ? {
        code: editing.code,
        name: editing.name,
        level: editing.level,
        type: editing.type,
        status: editing.status,
      }
    : p.form;
  const opts = <K extends string>(keys: readonly K[], label: (k: K) => string) =>
    keys.map((k) => ({ value: k, label: label(k) }));
  const body = (
    <>
      <Table
        caption={t("inst.caption")}
        empty={t("inst.none")}
        head={[
          { label: t("inst.code") },
          { label: t("inst.name") },
          { label: t("inst.level") },
          { label: t("inst.type") },
          { label: t("inst.status") },
          { label: t("inst.edit") },
        ]}
        rows={rows.map((r) => [
          <code>{r.code}</code>,
          r.name,
          t(`level.${r.level}`),
          t(`type.${r.type}`),
          t(`instStatus.${r.status}`),
          <a
            href={link(p, at(p, PATH), { code: r.code })}
            aria-label={`${t("inst.edit")} ${r.code}`}
          >
            {t("inst.edit")}
          </a>,
        ])}
      />
      <h2 id="edit">{t("inst.formTitle")}</h2>
      <ErrorSummary p={p} errors={errors} />
      <form method="post" action={link(p, at(p, PATH))} class="card" aria-labelledby="edit">
        <Field
          name="code"
          label={t("inst.code")}
          hint={t("inst.codeHint")}
          value={f.code}
          error={errors.code}
          required
        />
        <Field name="name" label={t("inst.name")} value={f.name} error={errors.name} required />
        <Field
          name="level"
          label={t("inst.level")}
          value={f.level}
          error={errors.level}
          options={opts(levels, (k) => t(`level.${k}`))}
        />
        <Field
          name="type"
          label={t("inst.type")}
          value={f.type}
          error={errors.type}
          options={opts(["hospital", "pharmacy"] as const, (k) => t(`type.${k}`))}
        />
        <Field
          name="status"
          label={t("inst.status")}
          value={f.status}
          error={errors.status}
          options={opts(["active", "suspended"] as const, (k) => t(`instStatus.${k}`))}
        />
        <button type="submit">{p.t("form.save")}</button>
      </form>
    </>
  );
  return renderPage(p, body, { title: t("inst.title"), status });
}

const list = definePage({
  method: "get",
  path: PATH,
  permission: "mi:read",
  nav: navLabel("nav.institutions"),
  handler: (p) => page(p),
});

const save = definePage({
  method: "post",
  path: PATH,
  permission: "mi:write",
  handler: async (p) => {
    const v = validate(p.t, institutionInput, p.form);
    if (!v.ok) return page(p, v.errors, 400);
    try {
      await upsertInstitution(miCtx(p), v.data);
    } catch (e) {
      const errors = verbErrors(p.t, e);
      if (errors) return page(p, errors, 400);
      throw e;
    }
    return redirect(p, at(p, PATH), tr(p)("inst.saved", { code: v.data.code }));
  },
});

export const institutionPages = [list, save];
