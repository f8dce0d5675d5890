/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  fieldErrors,
  type PageCtx,
  redirect,
  renderPage,
  verbErrors,
} from "@zhengyun/web";
import { listParameters, parametersInput, setParameters } from "../parameters.ts";
import { samplePolicy } from "../params.ts";
import { at, CONSOLE, link, miCtx, money, navLabel, shanghaiDay, Table, tr } from "./common.tsx";

const PATH = `${CONSOLE}/parameters`;
const schemes = ["310", "390"] as const;

const list = definePage({
  method: "get",
  path: PATH,
  permission: "mi:read",
  nav: navLabel("nav.parameters"),
  handler: async (p) => {
    const t = tr(p);
    const asked = Number(p.c.req.query("year"));
    const year =
      Number.isInteger(asked) && asked >= 2000 && asked <= 2100
        ? asked
        : Number(shanghaiDay(p).slice(0, 4));
    const rows = await listParameters(miCtx(p), year);
    const body = (
      <>
        <search>
          <form method="get" action={p.path} class="filters">
            <div class="field">
              <label for="f-year">{t("params.year")}</label>
              <input id="f-year" name="year" type="number" value={String(year)} />
            </div>
            {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
            <button type="submit">{t("params.show")}</button>
          </form>
        </search>
        <Table
          caption={t("params.caption", { year })}
          empty={t("params.none")}
          head={[
            { label: t("params.scheme") },
            { label: t("params.effectiveFrom") },
            { label: t("params.ceiling"), num: true },
            { label: t("params.outDedc"), num: true },
            { label: t("params.edit") },
          ]}
          rows={rows.map((r) => [
            t(`scheme.${r.scheme}`),
            r.effectiveFrom,
            money(r.params.ceiling),
            money(r.params.outpatient.deductible),
            <a
              href={link(p, `${PATH}/edit`, {
                year: String(r.year),
                scheme: r.scheme,
                from: r.effectiveFrom,
              })}
              aria-label={`${t("params.edit")} ${r.scheme} ${r.effectiveFrom}`}
            >
              {t("params.edit")}
            </a>,
          ])}
        />
        <p>
          <a class="button" href={link(p, `${PATH}/edit`, { year: String(year) })}>
            {t("params.new")}
          </a>
        </p>
      </>
    );
    return renderPage(p, body, { title: t("params.title") });
  },
});

function editor(
  p: PageCtx,
  errors: FieldErrors = {},
  problems: string[] = [],
  status: 200 | 400 = 200,
) {
  const t = tr(p);
  const f = p.form;
  const body = (
    <>
      <ErrorSummary p={p} errors={errors} />
      <form method="post" action={link(p, at(p, PATH))} class="card">
        <Field
          name="year"
          type="number"
          label={t("params.year")}
          value={f.year}
          error={errors.year}
          required
        />
        <Field
          name="scheme"
          label={t("params.scheme")}
          value={f.scheme}
          error={errors.scheme}
          options={schemes.map((s) => ({ value: s, label: t(`scheme.${s}`) }))}
        />
        <Field
          name="effectiveFrom"
          type="date"
          label={t("params.effectiveFrom")}
          value={f.effectiveFrom}
          error={errors.effectiveFrom}
          required
        />
        <Field
          name="params"
          multiline
          label={t("params.json")}
          hint={t("params.jsonHint")}
          value={f.params}
          error={errors.params}
          required
        />
        {problems.length > 0 && (
          <div class="error-text">
            <p>{t("params.problems")}</p>
            <ul>
              {problems.map((x) => (
                <li>
                  <code>{x}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
        <button type="submit">{p.t("form.save")}</button>
      </form>
    </>
  );
  return renderPage(p, body, { title: t("params.formTitle"), status });
}

/** The editor, filled with the chosen set (or, for a new one, a sample policy to adapt). */
const edit = definePage({
  method: "get",
  path: `${PATH}/edit`,
  permission: "mi:write",
  handler: async (p) => {
    const q = (k: string) => p.c.req.query(k) ?? "";
    const year = q("year") || shanghaiDay(p).slice(0, 4);
    const scheme = q("scheme") === "390" ? "390" : "310";
    const found = (await listParameters(miCtx(p), Number(year) || undefined)).find(
      (r) => r.scheme === scheme && r.effectiveFrom === q("from"),
    );
    Object.assign(p.form, {
      year,
      scheme,
      effectiveFrom: found?.effectiveFrom ?? `${year}-01-01`,
      params: JSON.stringify(found?.params ?? samplePolicy(scheme), null, 2),
    });
    return editor(p);
  },
});

/** Saves through the verb's schema; errors stay beside the fields, the typed JSON is kept. */
const save = definePage({
  method: "post",
  path: PATH,
  permission: "mi:write",
  handler: async (p) => {
    let params: unknown;
    try {
      params = JSON.parse(p.form.params ?? "");
    } catch {
      return editor(p, { params: p.t("form.invalid") }, [], 400);
    }
    const input = {
      year: Number(p.form.year),
      scheme: p.form.scheme,
      effectiveFrom: p.form.effectiveFrom,
      params,
    };
    const r = parametersInput.safeParse(input);
    if (!r.success) {
      const problems = r.error.issues
        .filter((i) => i.path[0] === "params")
        .map((i) => i.path.slice(1).join("."));
      return editor(p, fieldErrors(p.t, r.error.issues), problems, 400);
    }
    try {
      await setParameters(miCtx(p), r.data);
    } catch (e) {
      const errors = verbErrors(p.t, e);
      if (errors) return editor(p, errors, [], 400);
      throw e;
    }
    const t = tr(p);
    const saved = t("params.saved", {
      year: r.data.year,
      scheme: t(`scheme.${r.data.scheme}`),
      from: r.data.effectiveFrom,
    });
    return redirect(p, `${at(p, PATH)}?year=${r.data.year}`, saved);
  },
});

export const parameterPages = [list, edit, save];
