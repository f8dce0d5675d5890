/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { ConflictError } from "@zhengyun/core";
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
} from "@zhengyun/web";
import type { Child } from "hono/jsx";
import { getApplication, myApplications } from "../applications.ts";
import { getItem } from "../catalogue.ts";
import { certificateOfApplication } from "../certificates.ts";
import { paymentOf } from "../fees.ts";
import { MATERIAL_MAX_BYTES } from "../materials.ts";
import { supplementApplication } from "../workflow.ts";
import { bodyLimitMb, fieldsOf } from "./apply.tsx";
import {
  at,
  DirectUploads,
  downloadMaterial,
  Facts,
  FileField,
  issueErrors,
  link,
  pickUploads,
  presignUrl,
  stageUploads,
  storeOf,
  Table,
  tr,
  when,
} from "./common.tsx";
import { navLabel } from "./i18n.ts";
import { ctxOf } from "./public.tsx";

const PATH = "/t/{tenant}/track/{id}";

/** What the last one-time notice asked for (the applicant answers every line of it). */
export function noticeMissing(timeline: { action: string; data: Record<string, unknown> }[]) {
  const last = timeline.filter((e) => e.action === "notice").at(-1);
  const missing = last?.data.missing;
  return Array.isArray(missing) ? missing.map(String) : [];
}

async function trackPage(p: PageCtx, errors: FieldErrors = {}, status: 200 | 400 = 200) {
  const t = tr(p);
  const ctx = ctxOf(p);
  const { application: a, timeline } = await getApplication(ctx, p.c.req.param("id") ?? "", false);
  const [item, cert, payment] = await Promise.all([
    getItem(ctx, a.itemCode).catch(() => undefined),
    certificateOfApplication(ctx, a.id),
    paymentOf(ctx, a.id),
  ]);
  const itemName = item?.name ?? a.itemCode;
  const missing = a.state === "notice" ? noticeMissing(timeline) : [];
  const facts: [string, Child][] = [
    [t("track.tracking"), a.tracking],
    [t("track.item"), itemName],
    [t("track.state"), <span data-state={a.state}>{t(`state.${a.state}`)}</span>],
    [t("track.due"), when(p, a.dueAt)],
  ];
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
      <>
        {cert.number} ·{" "}
        <a href={link(p, `/t/{tenant}/verify/${cert.code}`)}>{t("track.verifyLink")}</a>
      </>,
    ]);
  const body = (
    <>
      <Facts rows={facts} />
      {missing.length > 0 && (
        <section aria-labelledby="notice">
          <h2 id="notice">{t("track.noticeTitle")}</h2>
          <ul>
            {missing.map((m) => (
              <li>{m}</li>
            ))}
          </ul>
          <ErrorSummary p={p} errors={errors} />
          {errors._ && <p class="error-text">{errors._}</p>}
          <form
            method="post"
            action={link(p, `/t/{tenant}/track/${a.tracking}`)}
            enctype="multipart/form-data"
            class="card"
          >
            <p class="hint">
              {t("apply.sizeHint", { mb: bodyLimitMb(p), max: MATERIAL_MAX_BYTES / 1_048_576 })}
            </p>
            {missing.map((m, i) => (
              <FileField name={`s_${i}`} label={m} error={errors[`s_${i}`]} />
            ))}
            <Field
              name="note"
              label={t("track.note")}
              value={p.form.note}
              error={errors.note}
              multiline
            />
            <button type="submit">{t("track.supplement")}</button>
            <DirectUploads presign={presignUrl(p)} />
          </form>
        </section>
      )}
      <h2>{t("track.materials")}</h2>
      {a.materials.length === 0 ? (
        <p class="empty">{t("track.noMaterials")}</p>
      ) : (
        <ul>
          {a.materials.map((x, i) => (
            <li>
              <a href={link(p, `/t/{tenant}/track/${a.tracking}/materials/${i}`)}>{x.name}</a>
            </li>
          ))}
        </ul>
      )}
      <h2>{t("case.timeline")}</h2>
      <ol>
        {timeline.map((e) => (
          <li>
            {when(p, e.at)} · {t(`state.${e.state}`)} {e.note && `· ${e.note}`}
          </li>
        ))}
      </ol>
    </>
  );
  return renderPage(p, body, { title: t("track.title"), status });
}

/** The applicant's own applications, the tracking page, and the answer to a one-time notice. */
export const trackPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/t/{tenant}/applications",
    permission: "signed-in",
    nav: (tt) => navLabel(tt, "mine.title"),
    async handler(p) {
      const t = tr(p);
      const ctx = ctxOf(p);
      const rows = await myApplications(ctx);
      // Only the items these applications name (a catalogue can hold thousands).
      const codes = [...new Set(rows.map((r) => r.itemCode))];
      const items = await Promise.all(codes.map((c) => getItem(ctx, c).catch(() => undefined)));
      const name = (code: string) => items.find((i) => i?.code === code)?.name ?? code;
      return renderPage(
        p,
        <Table
          caption={t("mine.title")}
          empty={t("mine.none")}
          head={[t("track.tracking"), t("mine.item"), t("track.state"), t("mine.received")]}
          rows={rows.map((r) => [
            <a href={link(p, `/t/{tenant}/track/${r.tracking}`)}>{r.tracking}</a>,
            name(r.itemCode),
            <span data-state={r.state}>{t(`state.${r.state}`)}</span>,
            when(p, r.receivedAt),
          ])}
        />,
        { title: t("mine.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: PATH,
    permission: "signed-in",
    handler: (p) => trackPage(p),
  }),
  definePage({
    method: "get",
    path: `${PATH}/materials/{n}`,
    permission: "signed-in",
    handler: (p) => downloadMaterial(p, false),
  }),
  definePage({
    method: "post",
    path: PATH,
    permission: "signed-in",
    async handler(p) {
      const t = tr(p);
      const ctx = ctxOf(p);
      const ref = p.c.req.param("id") ?? "";
      const { application: a, timeline } = await getApplication(ctx, ref, false);
      if (a.state !== "notice")
        throw new ConflictError("Only an application under a notice takes corrections");
      const missing = noticeMissing(timeline);
      const up = await pickUploads(
        p,
        missing.map((name, i) => ({ field: `s_${i}`, name })),
      );
      const errors = up.errors;
      if (up.picked.length === 0 && Object.keys(errors).length === 0)
        errors._ = t("track.needFile");
      if (Object.keys(errors).length > 0) return trackPage(p, errors, 400);
      const materials = await stageUploads(p, up.picked);
      const store = storeOf(p);
      try {
        await supplementApplication({
          ctx,
          ref: a.tracking,
          input: { materials, note: p.form.note ?? "" },
          ...(store ? { store } : {}),
        });
      } catch (e) {
        const found = issueErrors(p, e);
        if (!found) throw e;
        return trackPage(p, fieldsOf(found, up.picked, t("apply.refused")), 400);
      }
      return redirect(p, at(p, `/t/{tenant}/track/${a.tracking}`), t("track.supplemented"));
    },
  }),
];
