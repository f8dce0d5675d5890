/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  redirect,
  renderPage,
} from "@zhengyun/web";
import { submitApplication } from "../applications.ts";
import { getItem, type ItemOut } from "../catalogue.ts";
import { MATERIAL_MAX_BYTES } from "../materials.ts";
import {
  at,
  DirectUploads,
  FileField,
  issueErrors,
  link,
  pickUploads,
  presignUrl,
  stageUploads,
  storeOf,
  tr,
} from "./common.tsx";
import { ctxOf } from "./public.tsx";

const PATH = "/t/{tenant}/apply/{code}";

/** The limit a page's whole posted form must keep (the app's body limit), in MB. */
export const bodyLimitMb = (p: PageCtx) =>
  Math.floor((p.c.var.deps.config.BODY_LIMIT_BYTES / 1_048_576) * 10) / 10;

function applyForm(p: PageCtx, item: ItemOut, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const t = tr(p);
  const title = `${t("items.apply")} · ${item.name}`;
  if (!item.online) return renderPage(p, <p>{t("apply.offline")}</p>, { title });
  const body = (
    <>
      <ErrorSummary p={p} errors={errors} />
      {errors._ && <p class="error-text">{errors._}</p>}
      <form
        method="post"
        action={link(p, PATH.replace("{code}", item.code))}
        enctype="multipart/form-data"
        class="card"
      >
        <Field
          name="applicantName"
          label={t("apply.name")}
          value={p.form.applicantName}
          error={errors.applicantName}
          required
        />
        {item.fields.map((f) => (
          <Field
            name={`f_${f.name}`}
            label={f.label}
            value={p.form[`f_${f.name}`]}
            error={errors[`f_${f.name}`]}
            required={f.required}
          />
        ))}
        <fieldset>
          <legend>{t("apply.materials")}</legend>
          <p class="hint">
            {t("apply.sizeHint", { mb: bodyLimitMb(p), max: MATERIAL_MAX_BYTES / 1_048_576 })}
          </p>
          {item.materials.map((m, i) => (
            <FileField
              name={`m_${i}`}
              label={m.name}
              hint={t("apply.materialHint", {
                form: t(m.form === "original" ? "apply.original" : "apply.copy"),
                copies: m.copies,
                need: t(m.required ? "apply.required" : "apply.optional"),
              })}
              error={errors[`m_${i}`]}
            />
          ))}
        </fieldset>
        <button type="submit">{t("items.apply")}</button>
        <DirectUploads presign={presignUrl(p)} />
      </form>
    </>
  );
  return renderPage(p, body, { title, status });
}

/** The apply form: the item's fields plus one file per catalogue material (multipart, no JS). */
export const applyPages: PageDef[] = [
  definePage({
    method: "get",
    path: PATH,
    permission: "signed-in",
    async handler(p) {
      return applyForm(p, await getItem(ctxOf(p), p.c.req.param("code") ?? ""));
    },
  }),
  definePage({
    method: "post",
    path: PATH,
    permission: "signed-in",
    async handler(p) {
      const t = tr(p);
      const ctx = ctxOf(p);
      const item = await getItem(ctx, p.c.req.param("code") ?? "");
      // Checked before any file is stored: a refused form writes nothing.
      const errors: FieldErrors = {};
      if (!p.form.applicantName?.trim()) errors.applicantName = p.t("form.required");
      for (const f of item.fields)
        if (f.required && !p.form[`f_${f.name}`]?.trim())
          errors[`f_${f.name}`] = p.t("form.required");
      const up = await pickUploads(
        p,
        item.materials.map((m, i) => ({ field: `m_${i}`, name: m.name })),
      );
      Object.assign(errors, up.errors);
      if (Object.keys(errors).length > 0) return applyForm(p, item, errors, 400);
      const materials = await stageUploads(p, up.picked);
      const store = storeOf(p);
      const form = Object.fromEntries(
        item.fields.map((f) => [f.name, p.form[`f_${f.name}`] ?? ""] as const).filter(([, v]) => v),
      );
      try {
        const app = await submitApplication({
          ctx,
          input: {
            itemCode: item.code,
            applicantName: p.form.applicantName ?? "",
            form,
            materials,
          },
          ...(store ? { store } : {}),
        });
        return redirect(
          p,
          at(p, `/t/{tenant}/track/${app.tracking}`),
          t("apply.submitted", { tracking: app.tracking }),
        );
      } catch (e) {
        const found = issueErrors(p, e);
        if (!found) throw e;
        return applyForm(p, item, fieldsOf(found, up.picked, t("apply.refused")), 400);
      }
    },
  }),
];

/** The verb's issue paths as the form's field names (`form.x` → `f_x`, `materials.n` → its file). */
export function fieldsOf(
  errors: FieldErrors,
  picked: { field: string }[],
  refused: string,
): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const m = /^materials\.(\d+)/.exec(k);
    const field = m ? picked[Number(m[1])]?.field : undefined;
    if (field) out[field] = refused;
    else if (k.startsWith("form.")) out[`f_${k.slice(5)}`] = v;
    else out[k === "applicantName" ? k : "_"] = v;
  }
  return out;
}
