/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { isDomainError } from "@zhengyun/core";
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  formatMoney,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
  validate,
} from "@zhengyun/web";
import {
  getItem,
  type ItemOut,
  importCatalogue,
  itemInput,
  listItems,
  saveItem,
} from "../catalogue.ts";
import { itemTypes } from "../schema.ts";
import { at, CONSOLE, FileField, issueErrors, link, postedFiles, Table, tr } from "./common.tsx";
import { navLabel } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const PATH = `${CONSOLE}/items`;

const lines = (s: string | undefined) =>
  (s ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const cells = (l: string) => l.split(/[|｜]/).map((c) => c.trim());
const yes = (v: string | undefined, words: string[], no: string[]) =>
  v !== undefined && words.includes(v) ? true : v !== undefined && no.includes(v) ? false : v;
const num = (v: string | undefined) => (v?.trim() ? Number(v.trim()) : undefined);
/** Yuan as typed ("12.5") to fen; anything else fails the schema's number check. */
const fen = (v: string | undefined) => {
  const s = (v ?? "").trim();
  if (!s) return 0;
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : Number.NaN;
};

/** The editor's flat form as the verb's input; list fields are one line per entry, cells split by `|`. */
export function itemFromForm(f: Record<string, string>) {
  return {
    code: f.code?.trim() ?? "",
    ...(f.parentCode?.trim() ? { parentCode: f.parentCode.trim() } : {}),
    name: f.name ?? "",
    type: f.type ?? "",
    implementingBody: f.implementingBody ?? "",
    department: f.department ?? "",
    legalBasis: f.legalBasis ?? "",
    conditions: f.conditions ?? "",
    materials: lines(f.materials).map((l) => {
      const [name, form, copies, required] = cells(l);
      return {
        name,
        form: form === "原件" ? "original" : form === "复印件" ? "copy" : form,
        copies: num(copies ?? "1"),
        required: yes(
          required ?? "必要",
          ["必要", "必须", "required", "yes"],
          ["可选", "optional", "no"],
        ),
      };
    }),
    steps: lines(f.steps),
    immediate: f.immediate === "yes",
    legalDays: num(f.legalDays),
    promisedDays: num(f.promisedDays),
    feeFen: fen(f.fee),
    visits: num(f.visits),
    online: f.online === "yes",
    contact: f.contact ?? "",
    complaints: f.complaints ?? "",
    fields: lines(f.fields).map((l) => {
      const [name, label, required] = cells(l);
      return {
        name,
        label,
        required: yes(required ?? "必填", ["必填", "required", "yes"], ["可选", "optional", "no"]),
      };
    }),
  };
}

/** An item as the editor's form values (the inverse of itemFromForm). */
function formOf(i: ItemOut): Record<string, string> {
  return {
    code: i.code,
    parentCode: i.parentCode ?? "",
    name: i.name,
    type: i.type,
    implementingBody: i.implementingBody,
    department: i.department,
    legalBasis: i.legalBasis,
    conditions: i.conditions,
    materials: i.materials
      .map(
        (m) =>
          `${m.name}|${m.form === "original" ? "原件" : "复印件"}|${m.copies}|${m.required ? "必要" : "可选"}`,
      )
      .join("\n"),
    steps: i.steps.join("\n"),
    immediate: i.immediate ? "yes" : "no",
    legalDays: String(i.legalDays),
    promisedDays: String(i.promisedDays),
    fee: i.feeFen ? (i.feeFen / 100).toFixed(2) : "0",
    visits: String(i.visits),
    online: i.online ? "yes" : "no",
    contact: i.contact,
    complaints: i.complaints,
    fields: i.fields.map((x) => `${x.name}|${x.label}|${x.required ? "必填" : "可选"}`).join("\n"),
  };
}

async function editor(p: PageCtx, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const t = tr(p);
  const ctx = ctxOf(p);
  const items = await listItems(ctx);
  const code = p.c.req.query("code");
  const editing = status === 200 && code ? await getItem(ctx, code) : undefined;
  const f: Record<string, string | undefined> = editing
    ? formOf(editing)
    : status === 200
      ? { immediate: "no", online: "yes", visits: "0", fee: "0" }
      : p.form;
  const field = (name: string, extra: { multiline?: boolean; hint?: string } = {}) => (
    <Field
      name={name}
      label={t(`item.${name}` as Parameters<typeof t>[0])}
      value={f[name]}
      error={errors[name]}
      {...extra}
    />
  );
  const yesNo = (name: string, yesKey: string, noKey: string) => (
    <Field
      name={name}
      label={t(`item.${name}` as Parameters<typeof t>[0])}
      value={f[name]}
      error={errors[name]}
      options={[
        { value: "yes", label: t(yesKey as Parameters<typeof t>[0]) },
        { value: "no", label: t(noKey as Parameters<typeof t>[0]) },
      ]}
    />
  );
  const body = (
    <>
      <p>
        <a href={link(p, PATH)}>{t("catalogue.new")}</a> ·{" "}
        <a href={link(p, "/t/{tenant}/api/v1/portal/catalogue")}>{t("catalogue.export")}</a>
      </p>
      <Table
        caption={t("catalogue.caption")}
        empty={t("catalogue.none")}
        head={[
          t("item.code"),
          t("item.name"),
          t("item.type"),
          t("item.legalDays"),
          t("item.promisedDays"),
          t("item.fee"),
          t("catalogue.edit"),
        ]}
        rows={items.map((i) => [
          <code>{i.code}</code>,
          i.name,
          t(`type.${i.type}`),
          String(i.legalDays),
          String(i.promisedDays),
          formatMoney(i.feeFen),
          <a href={link(p, PATH, { code: i.code })} aria-label={`${t("catalogue.edit")} ${i.code}`}>
            {t("catalogue.edit")}
          </a>,
        ])}
      />
      <h2 id="edit">
        {editing ? t("catalogue.editing", { code: editing.code }) : t("catalogue.new")}
      </h2>
      <ErrorSummary p={p} errors={errors} />
      <form method="post" action={link(p, PATH)} class="card" aria-labelledby="edit">
        <Field
          name="code"
          label={t("item.code")}
          hint={t("item.codeHint")}
          value={f.code}
          error={errors.code}
          required
        />
        {field("parentCode")}
        {field("name")}
        <Field
          name="type"
          label={t("item.type")}
          value={f.type}
          error={errors.type}
          options={itemTypes.map((x) => ({ value: x, label: t(`type.${x}`) }))}
        />
        {field("implementingBody")}
        {field("department")}
        {field("legalBasis", { multiline: true })}
        {field("conditions", { multiline: true })}
        {field("materials", { multiline: true, hint: t("item.materialsHint") })}
        {field("steps", { multiline: true })}
        {yesNo("immediate", "item.immediateYes", "item.immediateNo")}
        {field("legalDays")}
        {field("promisedDays")}
        {field("fee")}
        {field("visits")}
        {yesNo("online", "item.onlineYes", "item.onlineNo")}
        {field("contact")}
        {field("complaints")}
        {field("fields", { multiline: true, hint: t("item.fieldsHint") })}
        <button type="submit">{t("form.saveItem")}</button>
      </form>
      <h2 id="import">{t("catalogue.import")}</h2>
      <form
        method="post"
        action={link(p, `${PATH}/import`)}
        enctype="multipart/form-data"
        class="card"
        aria-labelledby="import"
      >
        <FileField
          name="file"
          label={t("catalogue.importFile")}
          hint={t("catalogue.importHint")}
          error={errors.file}
          accept=".json,application/json"
        />
        <button type="submit">{t("catalogue.importSubmit")}</button>
      </form>
    </>
  );
  return renderPage(p, body, { title: t("catalogue.title"), status });
}

/** The service-item catalogue editor (portal editors): list, create and edit; promised ≤ legal. */
export const cataloguePages: PageDef[] = [
  definePage({
    method: "get",
    path: PATH,
    permission: "portal:read",
    nav: (tt) => navLabel(tt, "catalogue.title"),
    handler: (p) => editor(p),
  }),
  definePage({
    method: "post",
    path: PATH,
    permission: "portal:write",
    async handler(p) {
      const t = tr(p);
      const v = validate(p.t, itemInput, itemFromForm(p.form));
      let errors = v.ok ? undefined : v.errors;
      if (v.ok) {
        try {
          await saveItem({ ctx: ctxOf(p), input: v.data });
        } catch (e) {
          errors = issueErrors(p, e);
          if (!errors) throw e;
        }
      }
      if (errors) {
        if (errors.promisedDays && Number.isFinite(num(p.form.promisedDays)))
          errors.promisedDays = t("item.promisedOverLegal");
        return editor(p, errors, 400);
      }
      const code = p.form.code?.trim() ?? "";
      return redirect(p, at(p, PATH), t("catalogue.saved", { code }));
    },
  }),
  definePage({
    method: "post",
    path: `${PATH}/import`,
    permission: "portal:write",
    async handler(p) {
      const t = tr(p);
      const file = (await postedFiles(p)).file;
      let json: unknown;
      try {
        json = JSON.parse(file ? await file.text() : "");
      } catch {
        return editor(p, { file: t("catalogue.importNotJson") }, 400);
      }
      try {
        const r = await importCatalogue({ ctx: ctxOf(p), input: json });
        return redirect(p, at(p, PATH), t("catalogue.imported", { n: r.imported }));
      } catch (e) {
        if (!isDomainError(e) || e.code !== "validation") throw e;
        // The verb names the first bad item (`items.3: …`) and its fields in the issues.
        const n = /^items\.(\d+):/.exec(e.message)?.[1];
        const fields = [...new Set((e.issues ?? []).map((i) => i.path.split(".")[0]))].join(", ");
        const error = n
          ? t("catalogue.importBad", { n: Number(n) + 1, fields })
          : t("catalogue.importNotJson");
        return editor(p, { file: error }, 400);
      }
    },
  }),
];
