/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { definePage, Empty, type PageCtx, type PageDef, redirect, renderPage } from "@zhengyun/web";
import { bookSlot, cancelBooking, listSlots } from "../appointments.ts";
import type { CentreRow } from "../schema.ts";
import { noticesForCentre, publicCentres, residentBookings } from "../views.ts";
import { at, link, NoticeCard, nowOfPage, PORTAL, pageCtx, tr, when } from "./common.tsx";

/** A GET form choosing a centre: works without JavaScript, keeps the language. */
function CentrePicker(props: { p: PageCtx; centres: CentreRow[]; chosen: string | undefined }) {
  const { p } = props;
  const t = tr(p);
  return (
    <form method="get" action={at(p, p.path)} class="filters">
      <div class="field">
        <label for="f-centre">{t("appt.choose")}</label>
        <select id="f-centre" name="centre">
          {props.centres.map((c) => (
            <option value={c.id} selected={c.id === props.chosen}>
              {`${t(`level.${c.level}`)} · ${c.name}`}
            </option>
          ))}
        </select>
      </div>
      {p.langExplicit && <input type="hidden" name="lang" value={p.lang} />}
      <button type="submit">{t("appt.show")}</button>
    </form>
  );
}

const userOf = (p: PageCtx) => p.principal?.id ?? "";

export const residentAreaPages: PageDef[] = [
  definePage({
    method: "get",
    path: `${PORTAL}/notices`,
    permission: "citizen:self",
    async handler(p) {
      const t = tr(p);
      const ctx = pageCtx(p);
      const centres = (await publicCentres(ctx)).filter((c) => c.level === "community");
      const chosen = p.c.req.query("centre") ?? centres[0]?.id;
      const notices = chosen ? await noticesForCentre(ctx, chosen) : [];
      return renderPage(
        p,
        <>
          <CentrePicker p={p} centres={centres} chosen={chosen} />
          {notices.length === 0 ? (
            <Empty text={t("notices.empty")} />
          ) : (
            notices.map((n) => (
              <NoticeCard title={n.title} meta={when(p, n.publishedAt)} body={n.body} />
            ))
          )}
        </>,
        { title: t("notices.title") },
      );
    },
  }),
  definePage({
    method: "get",
    path: `${PORTAL}/appointments`,
    permission: "citizen:self",
    async handler(p) {
      const t = tr(p);
      const ctx = pageCtx(p);
      const centres = await publicCentres(ctx);
      const chosen = p.c.req.query("centre") ?? centres[0]?.id;
      const from = nowOfPage(p);
      const slots = chosen ? await listSlots({ ctx, input: { centreId: chosen, from } }) : [];
      const mine = await residentBookings(ctx, userOf(p));
      return renderPage(
        p,
        <>
          <section aria-labelledby="mine">
            <h2 id="mine">{t("appt.mine")}</h2>
            {mine.length === 0 ? (
              <Empty text={t("slots.empty")} />
            ) : (
              <ul>
                {mine.map(({ booking, slot }) => (
                  <li>
                    {`${when(p, slot.startsAt)} · ${slot.serviceCode} · ${t(`appt.status.${booking.status}`)}`}
                    {booking.status === "booked" && (
                      <form method="post" action={link(p, `${PORTAL}/appointments/cancel`)}>
                        <input type="hidden" name="bookingId" value={booking.id} />
                        <button type="submit" class="secondary">
                          {t("appt.cancel")}
                        </button>
                      </form>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="open">
            <h2 id="open">{t("appt.open")}</h2>
            <CentrePicker p={p} centres={centres} chosen={chosen} />
            {slots.length === 0 ? (
              <Empty text={t("slots.empty")} />
            ) : (
              slots.map((s) => (
                <form method="post" action={link(p, `${PORTAL}/appointments/book`)} class="card">
                  <p>
                    {`${when(p, s.startsAt)} – ${when(p, s.endsAt)} · ${s.serviceCode} · ${t("slots.capacity")} ${s.capacity - s.booked}/${s.capacity}`}
                  </p>
                  <input type="hidden" name="slotId" value={s.id} />
                  <div class="field">
                    <label for={`n-${s.id}`}>{t("slots.name")}</label>
                    <input id={`n-${s.id}`} name="residentName" required autocomplete="name" />
                  </div>
                  <div class="field">
                    <label for={`ph-${s.id}`}>{t("slots.phone")}</label>
                    <input id={`ph-${s.id}`} name="phone" type="tel" required autocomplete="tel" />
                  </div>
                  <button type="submit">{t("appt.book")}</button>
                </form>
              ))
            )}
          </section>
        </>,
        { title: t("appt.title") },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${PORTAL}/appointments/book`,
    permission: "citizen:self",
    async handler(p) {
      const input = {
        slotId: p.form.slotId ?? "",
        residentName: p.form.residentName ?? "",
        phone: p.form.phone ?? "",
        userId: userOf(p),
      };
      await bookSlot({ ctx: pageCtx(p), input });
      return redirect(p, at(p, `${PORTAL}/appointments`), tr(p)("appt.booked"));
    },
  }),
  definePage({
    method: "post",
    path: `${PORTAL}/appointments/cancel`,
    permission: "citizen:self",
    async handler(p) {
      const input = { bookingId: p.form.bookingId ?? "", userId: userOf(p) };
      await cancelBooking({ ctx: pageCtx(p), input });
      return redirect(p, at(p, `${PORTAL}/appointments`), tr(p)("appt.cancelled"));
    },
  }),
];
