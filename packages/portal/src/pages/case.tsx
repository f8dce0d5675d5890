/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { isDomainError, shanghaiDay, systemClock } from "@zhengyun/core";
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
import type { Child } from "hono/jsx";
import { getApplication } from "../applications.ts";
import { getItem } from "../catalogue.ts";
import { certificateOfApplication, issueCertificate, issueInput } from "../certificates.ts";
import { paymentOf } from "../fees.ts";
import type { ApplicationState } from "../schema.ts";
import { type ActionInput, actionInput, actionsFrom, actOnApplication } from "../workflow.ts";
import { at, CONSOLE, downloadMaterial, Facts, issueErrors, link, tr, when } from "./common.tsx";
import { type PortalKey, type PortalT, portalCatalogs } from "./i18n.ts";
import { ctxOf } from "./public.tsx";
import { noticeMissing } from "./track.tsx";

const PATH = `${CONSOLE}/applications/{id}`;
type Act = ActionInput["action"] | "certificate";

/** A timeline event's name: the workflow's action label, or the event's own (submit, supplement…). */
const eventLabel = (t: PortalT, action: string): string => {
  const known = (k: string): k is PortalKey => k in portalCatalogs["zh-CN"];
  const own = `event.${action}`;
  const workflow = `action.${action}`;
  return known(own) ? t(own) : known(workflow) ? t(workflow) : action;
};

/** One form per action the application's state allows; fields are named `<action>_<field>`. */
function ActionForm(props: {
  p: PageCtx;
  act: Act;
  action: string;
  errors: FieldErrors;
  children?: Child;
}) {
  const t = tr(props.p);
  const label = props.act === "certificate" ? t("case.certificate") : t(`action.${props.act}`);
  return (
    <form method="post" action={props.action} class="card" aria-label={label}>
      <input type="hidden" name="action" value={props.act} />
      {props.children}
      <button type="submit">{label}</button>
    </form>
  );
}

function fieldsFor(p: PageCtx, act: Act, errors: FieldErrors): Child {
  const t = tr(p);
  const f = (name: string) => ({
    name: `${act}_${name}`,
    value: p.form.action === act ? p.form[`${act}_${name}`] : undefined,
    error: errors[`${act}_${name}`],
  });
  switch (act) {
    case "notice":
      return (
        <>
          <Field
            {...f("missing")}
            label={t("case.missing")}
            hint={t("case.noticeHint")}
            multiline
            required
          />
          <Field {...f("reason")} label={t("case.noticeReason")} multiline />
        </>
      );
    case "not_accept":
    case "refuse":
      return <Field {...f("reason")} label={t("case.reason")} multiline required />;
    case "approve":
      return <Field {...f("reason")} label={t("case.reason")} multiline />;
    case "suspend":
      return (
        <>
          <Field
            {...f("cause")}
            label={t("case.cause")}
            options={(["hearing", "expert_review", "correction"] as const).map((c) => ({
              value: c,
              label: t(`cause.${c}`),
            }))}
          />
          <Field {...f("reason")} label={t("case.reason")} multiline required />
        </>
      );
    case "certificate":
      return <Field {...f("validUntil")} label={t("case.validUntil")} type="date" />;
    default:
      return null;
  }
}

async function casePage(
  p: PageCtx,
  errors: FieldErrors = {},
  status: 200 | 400 | 409 = 200,
  flash?: string,
) {
  const t = tr(p);
  const ctx = ctxOf(p);
  const { application: a, timeline } = await getApplication(ctx, p.c.req.param("id") ?? "", true);
  const [item, cert, payment] = await Promise.all([
    getItem(ctx, a.itemCode).catch(() => undefined),
    certificateOfApplication(ctx, a.id),
    paymentOf(ctx, a.id),
  ]);
  const facts: [string, Child][] = [
    [t("track.tracking"), a.tracking],
    [t("case.applicant"), a.applicantName],
    [t("track.item"), item?.name ?? a.itemCode],
    [t("track.state"), <strong data-state={a.state}>{t(`state.${a.state}`)}</strong>],
    [t("case.received"), when(p, a.receivedAt)],
    [t("track.due"), when(p, a.dueAt)],
  ];
  for (const f of item?.fields ?? [])
    if (a.form[f.name]) facts.push([f.label, a.form[f.name] as string]);
  if (payment)
    facts.push([
      t("case.payment"),
      payment.state === "paid"
        ? t("case.paymentPaid", { amount: formatMoney(payment.amountFen) })
        : t("case.paymentPending", {
            amount: formatMoney(payment.amountFen),
            reference: payment.reference,
          }),
    ]);
  if (cert)
    facts.push([
      t("track.certificate"),
      <a href={link(p, `/t/{tenant}/verify/${cert.code}`)}>{cert.number}</a>,
    ]);
  const acts: Act[] = [...actionsFrom(a.state as ApplicationState)];
  if (a.decision === "approved" && !cert) acts.push("certificate");
  const action = link(p, at(p, PATH).replace("{id}", String(a.id)));
  const body = (
    <>
      <Facts rows={facts} />
      <h2>{t("track.materials")}</h2>
      {a.materials.length === 0 ? (
        <p class="empty">{t("track.noMaterials")}</p>
      ) : (
        <ul>
          {a.materials.map((x, i) => (
            <li>
              <a href={link(p, `${at(p, PATH).replace("{id}", String(a.id))}/materials/${i}`)}>
                {x.name}
              </a>{" "}
              ({x.contentType}, {Math.ceil(x.size / 1024)} KB)
            </li>
          ))}
        </ul>
      )}
      <h2>{t("case.actions")}</h2>
      <ErrorSummary p={p} errors={errors} />
      {acts.length === 0 && <p class="empty">{t("case.noActions")}</p>}
      {acts.map((act) => (
        <ActionForm p={p} act={act} action={action} errors={errors}>
          {fieldsFor(p, act, errors)}
        </ActionForm>
      ))}
      <h2>{t("case.timeline")}</h2>
      <ol>
        {timeline.map((e) => (
          <li>
            {when(p, e.at)} · {eventLabel(t, e.action)} · {t(`state.${e.state}`)}
            {e.note && ` · ${e.note}`}
            {e.action === "notice" && `：${noticeMissing([e]).join("、")}`}
          </li>
        ))}
      </ol>
    </>
  );
  return renderPage(p, body, {
    title: `${t("track.title")} ${a.tracking}`,
    status,
    ...(flash ? { flash: { text: flash, error: true } } : {}),
  });
}

/** The posted form as the verb's input (`notice_missing` one per line, optional text dropped). */
function inputOf(p: PageCtx, act: string): Record<string, unknown> {
  const v = (name: string) => (p.form[`${act}_${name}`] ?? "").trim();
  const out: Record<string, unknown> = { action: act };
  if (act === "notice") {
    const missing = v("missing")
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
    // An empty list is left out, so it reads "required" like any empty field.
    if (missing.length > 0) out.missing = missing;
  }
  if (act === "suspend") out.cause = v("cause");
  const required = ["not_accept", "refuse", "suspend"].includes(act);
  if (required || v("reason")) out.reason = v("reason");
  return out;
}

const prefixed = (act: string, errors: FieldErrors): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors).map(([k, e]) => [k === "_" ? "_" : `${act}_${k.split(".")[0]}`, e]),
  );

/** The case page: facts, materials, the actions the state allows (forms, no JS), the timeline. */
export const casePages: PageDef[] = [
  definePage({ method: "get", path: PATH, permission: "cases:read", handler: (p) => casePage(p) }),
  definePage({
    method: "get",
    path: `${PATH}/materials/{n}`,
    permission: "cases:read",
    handler: (p) => downloadMaterial(p, true),
  }),
  definePage({
    method: "post",
    path: PATH,
    permission: "cases:write",
    async handler(p) {
      const t = tr(p);
      const ctx = ctxOf(p);
      const id = p.c.req.param("id") ?? "";
      const act = p.form.action ?? "";
      try {
        if (act === "certificate") {
          const validUntil = (p.form.certificate_validUntil ?? "").trim();
          const input = validUntil ? { validUntil } : {};
          const v = validate(p.t, issueInput, input);
          const today = shanghaiDay((p.c.var.deps.clock ?? systemClock).now());
          if (!v.ok) return casePage(p, prefixed(act, v.errors), 400);
          if (validUntil && validUntil < today)
            return casePage(p, { certificate_validUntil: p.t("form.invalid") }, 400);
          const cert = await issueCertificate({ ctx, ref: id, input });
          return redirect(
            p,
            at(p, PATH).replace("{id}", id),
            t("case.issued", { number: cert.number }),
          );
        }
        const input = inputOf(p, act);
        const v = validate(p.t, actionInput, input);
        if (!v.ok) return casePage(p, prefixed(act, v.errors), 400);
        await actOnApplication({ ctx, ref: id, input: v.data });
        return redirect(
          p,
          at(p, PATH).replace("{id}", id),
          t("case.done", { action: t(`action.${v.data.action}`) }),
        );
      } catch (e) {
        const found = issueErrors(p, e);
        if (found) return casePage(p, prefixed(act, found), 400);
        // Someone else moved the application on, or it already has its certificate.
        if (isDomainError(e) && e.code === "conflict")
          return casePage(p, {}, 409, t("case.stateChanged"));
        throw e;
      }
    },
  }),
];
