/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  renderPage,
  validate,
} from "@zhengyun/web";
import { advanceRequest, listQueue, mergeDuplicate } from "../handling.ts";
import { flags } from "../http/schemas.ts";
import { actionInput, mergeInput, ratingInput } from "../http/staff.ts";
import type { RequestState } from "../schema.ts";
import { callBack, scopedCentres, staffRequest } from "../views.ts";
import {
  CONSOLE,
  centreOptions,
  Facts,
  FormSection,
  formPage,
  History,
  link,
  navLabel,
  nowOfPage,
  pageCtx,
  ratingOptions,
  serviceNames,
  stateLabel,
  str,
  submit,
  Table,
  tr,
  when,
} from "./common.tsx";

const NEXT: Partial<Record<RequestState, RequestState[]>> = {
  received: ["dispatched", "closed"],
  dispatched: ["in_progress", "closed"],
  in_progress: ["replied", "closed"],
  replied: ["closed"],
};

const idOf = (p: PageCtx) => Number.parseInt(p.c.req.param("id") ?? "", 10) || 0;

async function requestPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const ctx = pageCtx(p);
  const v = await staffRequest(ctx, idOf(p));
  const r = v.request;
  const f = flags(r, nowOfPage(p));
  const centres = await scopedCentres(ctx, false);
  const next = NEXT[r.state] ?? [];
  const base = `${CONSOLE}/requests/${r.id}`;
  return renderPage(
    p,
    <>
      <Facts
        rows={[
          [t("req.service"), (await serviceNames(p))(r.serviceCode)],
          [t("req.state"), stateLabel(t, r.state)],
          [t("intake.channel"), t(`channel.${r.channel}`)],
          [t("req.centre"), v.centre?.name],
          [t("req.due"), `${when(p, r.dueAt)}${f.overdue ? ` · ${t("flag.overdue")}` : ""}`],
          [t("req.escalations"), r.escalations],
          [t("req.requested"), when(p, r.requestedAt)],
          [t("req.address"), r.address],
          [t("req.description"), r.description],
          [t("req.rating"), r.rating === null ? undefined : `${r.rating}/5`],
        ]}
      />
      <History p={p} updates={v.updates} />
      <ErrorSummary p={p} errors={errors} />
      {next.length > 0 && (
        <FormSection
          p={p}
          id="act"
          title={t("act.title")}
          action={`${base}/action`}
          submit={t("act.submit")}
        >
          <Field
            name="to"
            label={t("act.to")}
            value={p.form.to}
            error={errors.to}
            options={next.map((s) => ({ value: s, label: stateLabel(t, s) }))}
          />
          <Field
            name="note"
            label={t("act.note")}
            value={p.form.note}
            error={errors.note}
            multiline
            required
          />
          {r.state === "received" && (
            <Field
              name="centreId"
              label={t("act.centre")}
              value={p.form.centreId}
              error={errors.centreId}
              options={[{ value: "", label: t("act.keep") }, ...centreOptions(t, centres)]}
            />
          )}
        </FormSection>
      )}
      {r.state !== "closed" && (
        <FormSection
          p={p}
          id="merge"
          title={t("act.merge")}
          action={`${base}/merge`}
          submit={t("act.mergeSubmit")}
        >
          <Field
            name="intoId"
            label={t("act.into")}
            value={p.form.intoId}
            error={errors.intoId}
            required
          />
        </FormSection>
      )}
      {r.state === "replied" && (
        <FormSection
          p={p}
          id="callback"
          title={t("act.callBack")}
          action={`${base}/call-back`}
          submit={t("act.callBackSubmit")}
        >
          <Field
            name="rating"
            label={t("req.rating")}
            value={p.form.rating ?? "5"}
            error={errors.rating}
            options={ratingOptions}
          />
          <Field name="comment" label={t("req.comment")} value={p.form.comment} multiline />
        </FormSection>
      )}
    </>,
    formPage(t("req.title", { id: r.id }), errors),
  );
}

/** Runs a staff action; bad input re-renders the request page with the errors. */
const act = (p: PageCtx, run: () => Promise<unknown>) =>
  submit(
    p,
    run,
    (errors) => requestPage(p, errors),
    tr(p)("act.done"),
    `${CONSOLE}/requests/${idOf(p)}`,
  );

export const staffRequestPages: PageDef[] = [
  definePage({
    method: "get",
    path: CONSOLE,
    permission: "community:read",
    nav: navLabel("nav.staff"),
    async handler(p) {
      const t = tr(p);
      const rows = await listQueue({ ctx: pageCtx(p), input: {} });
      const service = await serviceNames(p);
      const open = rows.filter((r) => r.state !== "closed");
      const now = nowOfPage(p);
      return renderPage(
        p,
        <Table
          caption={t("queue.caption")}
          empty={t("queue.empty")}
          head={[
            t("req.title", { id: "" }).trim(),
            t("req.service"),
            t("req.state"),
            t("req.due"),
            t("queue.flags"),
          ]}
          rows={open}
          row={(r) => {
            const f = flags(r, now);
            return (
              <tr>
                <td>
                  <a href={link(p, `${CONSOLE}/requests/${r.id}`)}>{r.id}</a>
                </td>
                <td>{service(r.serviceCode)}</td>
                <td>{stateLabel(t, r.state)}</td>
                <td>{when(p, r.dueAt)}</td>
                <td>
                  {f.overdue && <strong class="flag overdue">{t("flag.overdue")}</strong>}
                  {f.dueSoon && <span class="flag due-soon">{t("flag.dueSoon")}</span>}
                </td>
              </tr>
            );
          }}
        />,
        { title: t("queue.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${CONSOLE}/requests/{id}`,
    permission: "community:read",
    handler: (p) => requestPage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/requests/{id}/action`,
    permission: "community:write",
    async handler(p) {
      const f = p.form;
      const v = validate(p.t, actionInput, {
        to: f.to,
        note: f.note ?? "",
        ...(str(f.centreId) ? { centreId: str(f.centreId) } : {}),
      });
      if (!v.ok) return requestPage(p, v.errors);
      return act(p, () =>
        advanceRequest({ ctx: pageCtx(p), input: { ...v.data, requestId: idOf(p) } }),
      );
    },
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/requests/{id}/merge`,
    permission: "community:write",
    async handler(p) {
      const v = validate(p.t, mergeInput, { intoId: p.form.intoId });
      if (!v.ok) return requestPage(p, v.errors);
      return act(p, () =>
        mergeDuplicate({ ctx: pageCtx(p), input: { requestId: idOf(p), intoId: v.data.intoId } }),
      );
    },
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/requests/{id}/call-back`,
    permission: "community:write",
    async handler(p) {
      const v = validate(p.t, ratingInput, { rating: p.form.rating, comment: str(p.form.comment) });
      if (!v.ok) return requestPage(p, v.errors);
      const input = {
        rating: v.data.rating,
        ...(v.data.comment ? { comment: v.data.comment } : {}),
      };
      return act(p, () => callBack(pageCtx(p), idOf(p), input));
    },
  }),
];
