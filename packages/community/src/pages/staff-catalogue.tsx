/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { ValidationError } from "@zhengyun/core";
import {
  definePage,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { centreLevels } from "../schema.ts";
import { saveService } from "../services.ts";
import { activeServices } from "../views.ts";
import {
  CONSOLE,
  FormSection,
  formPage,
  navLabel,
  num,
  pageCtx,
  str,
  submit,
  Table,
  tr,
} from "./common.tsx";

async function cataloguePage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const services = await activeServices(pageCtx(p));
  const f = p.form;
  return renderPage(
    p,
    <>
      <Table
        caption={t("services.caption")}
        empty={t("services.empty")}
        head={[
          t("services.code"),
          t("services.nameZh"),
          t("services.nameEn"),
          t("services.level"),
          t("services.sla"),
        ]}
        rows={services}
        row={(s) => (
          <tr>
            <td>
              <code>{s.code}</code>
            </td>
            <td lang="zh-CN">{s.nameZh}</td>
            <td lang="en">{s.nameEn}</td>
            <td>{t(`level.${s.level}`)}</td>
            <td>
              {t(s.slaUnit === "hours" ? "services.hours" : "services.days", { n: s.slaAmount })}
            </td>
          </tr>
        )}
      />
      <FormSection
        p={p}
        id="edit"
        title={t("services.edit")}
        action={`${CONSOLE}/services`}
        submit={t("services.submit")}
        errors={errors}
      >
        <Field name="code" label={t("services.code")} value={f.code} error={errors.code} required />
        <Field name="group" label={t("services.group")} value={f.group} error={errors.group} />
        <Field
          name="nameZh"
          label={t("services.nameZh")}
          value={f.nameZh}
          error={errors.nameZh}
          required
        />
        <Field
          name="nameEn"
          label={t("services.nameEn")}
          value={f.nameEn}
          error={errors.nameEn}
          required
        />
        <Field
          name="description"
          label={t("services.description")}
          value={f.description}
          error={errors.description}
          multiline
        />
        <Field
          name="level"
          label={t("services.level")}
          value={f.level ?? "community"}
          error={errors.level}
          options={centreLevels.map((l) => ({ value: l, label: t(`level.${l}`) }))}
        />
        <Field
          name="slaUnit"
          label={t("services.slaUnit")}
          value={f.slaUnit}
          error={errors.slaUnit}
          options={[
            { value: "hours", label: t("services.hours", { n: "N" }) },
            { value: "days", label: t("services.days", { n: "N" }) },
          ]}
        />
        <Field
          name="slaAmount"
          label={t("services.slaAmount")}
          value={f.slaAmount}
          error={errors.slaAmount}
          type="number"
          required
        />
        <Field
          name="attributes"
          label={t("services.attributes")}
          hint={t("services.attributesHint")}
          value={f.attributes}
          error={errors.attributes}
          multiline
        />
      </FormSection>
    </>,
    formPage(t("services.title"), errors),
  );
}

function attributesOf(text: string | undefined): unknown {
  if (!text?.trim()) return [];
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("attributes: not JSON", [
      { path: "attributes", message: "not JSON" },
    ]);
  }
}

export const staffCataloguePages: PageDef[] = [
  definePage({
    method: "get",
    path: `${CONSOLE}/services`,
    permission: "community:read",
    nav: navLabel("nav.services"),
    handler: (p) => cataloguePage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/services`,
    permission: "community:write",
    handler(p) {
      const f = p.form;
      const input = () => ({
        code: f.code ?? "",
        group: str(f.group),
        nameZh: f.nameZh ?? "",
        nameEn: f.nameEn ?? "",
        description: str(f.description),
        level: f.level,
        slaUnit: f.slaUnit,
        slaAmount: num(f.slaAmount),
        attributes: attributesOf(f.attributes),
      });
      return submit(
        p,
        () => saveService({ ctx: pageCtx(p), input: input() }),
        (e) => cataloguePage(p, e),
        tr(p)("centres.saved"),
      );
    },
  }),
];
