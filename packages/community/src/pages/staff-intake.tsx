/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { z } from "@hono/zod-openapi";
import {
  definePage,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  validate,
} from "@zhengyun/web";
import { enterRequest } from "../requests.ts";
import { attributeAnswers } from "./attributes.tsx";
import { CONSOLE, navLabel, num, pageCtx, str, submit, tr, when } from "./common.tsx";
import { requestForm } from "./report-form.tsx";

const INTAKE = `${CONSOLE}/intake`;
const channels = ["phone", "counter"] as const;

/** What the agent types for the resident: the channel, and a phone number for the call-back. */
const intakeForm = z.object({
  serviceCode: z.string().min(1).max(64),
  channel: z.enum(channels),
  name: z.string().trim().max(100).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\-() ]{3,40}$/, "digits, spaces, + - ( ) only"),
  description: z.string().trim().max(4000).optional(),
  lat: z.number().min(-90).max(90).optional(),
  long: z.number().min(-180).max(180).optional(),
  address: z.string().trim().max(500).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
});

/** A community agent enters a request a resident made by phone or at the counter. */
function intakePage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  return requestForm(p, {
    path: INTAKE,
    title: t("intake.title"),
    errors,
    own: false,
    phone: { label: t("intake.phone"), hint: t("intake.phoneHint"), required: true },
    lead: (
      <>
        <Field
          name="channel"
          label={t("intake.channel")}
          value={p.form.channel ?? "phone"}
          error={errors.channel}
          options={channels.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
        />
        <Field
          name="name"
          label={t("intake.name")}
          value={p.form.name}
          error={errors.name ?? errors["contact.name"]}
          autocomplete="off"
        />
      </>
    ),
  });
}

export const staffIntakePages: PageDef[] = [
  definePage({
    method: "get",
    path: INTAKE,
    permission: "community:write",
    nav: navLabel("nav.intake"),
    handler: (p) => intakePage(p),
  }),
  definePage({
    method: "post",
    path: INTAKE,
    permission: "community:write",
    async handler(p) {
      const f = p.form;
      const v = validate(p.t, intakeForm, {
        serviceCode: f.serviceCode ?? "",
        channel: f.channel,
        name: str(f.name),
        phone: f.phone ?? "",
        description: str(f.description),
        lat: num(f.lat),
        long: num(f.long),
        address: str(f.address),
        attributes: attributeAnswers(f),
      });
      if (!v.ok) return intakePage(p, v.errors);
      const { name, phone, ...rest } = v.data;
      const input = { ...rest, contact: { phone, ...(name ? { name } : {}) } };
      const t = tr(p);
      // The routed centre may lie outside the agent's own subtree: the form comes back for the
      // next caller, with what the resident needs to hear (number, tracking code, who, by when).
      return submit(
        p,
        () => enterRequest({ ctx: pageCtx(p), input }),
        (e) => intakePage(p, e),
        (s) =>
          t("intake.done", {
            id: s.id,
            token: s.token,
            centre: s.centreName,
            due: when(p, s.dueAt),
          }),
      );
    },
  }),
];
