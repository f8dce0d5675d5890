/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  Empty,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { createSlot } from "../appointments.ts";
import { centreInScope, scopedCentres, slotBookings, staffSlots } from "../views.ts";
import {
  CONSOLE,
  link,
  localTime,
  navLabel,
  nowOfPage,
  num,
  pageCtx,
  submit,
  tr,
  when,
} from "./common.tsx";

async function slotsPage(p: PageCtx, errors: FieldErrors = {}) {
  const t = tr(p);
  const ctx = pageCtx(p);
  const centres = await scopedCentres(ctx, false);
  const name = new Map(centres.map((c) => [c.id, c.name]));
  const slots = await staffSlots(ctx, nowOfPage(p));
  const f = p.form;
  return renderPage(
    p,
    <>
      {slots.length === 0 ? (
        <Empty text={t("slots.empty")} />
      ) : (
        <table>
          <caption class="muted">{t("slots.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("slots.centre")}</th>
              <th scope="col">{t("slots.service")}</th>
              <th scope="col">{t("slots.starts")}</th>
              <th scope="col">{t("slots.ends")}</th>
              <th scope="col" class="num">
                {t("slots.booked")}
              </th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr>
                <td>{name.get(s.centreId) ?? s.centreId}</td>
                <td>{s.serviceCode}</td>
                <td>
                  <a href={link(p, `${CONSOLE}/slots/${s.id}`)}>{when(p, s.startsAt)}</a>
                </td>
                <td>{when(p, s.endsAt)}</td>
                <td class="num">{`${s.booked}/${s.capacity}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="add">
        <h2 id="add">{t("slots.add")}</h2>
        <ErrorSummary p={p} errors={errors} />
        <Form action={link(p, `${CONSOLE}/slots`)}>
          <Field
            name="centreId"
            label={t("slots.centre")}
            value={f.centreId}
            error={errors.centreId}
            options={centres.map((c) => ({ value: c.id, label: c.name }))}
          />
          <Field
            name="serviceCode"
            label={t("slots.service")}
            value={f.serviceCode}
            error={errors.serviceCode}
            required
          />
          <Field
            name="startsAt"
            label={t("slots.starts")}
            hint={t("slots.timeHint")}
            type="datetime-local"
            value={f.startsAt}
            error={errors.startsAt}
            required
          />
          <Field
            name="endsAt"
            label={t("slots.ends")}
            type="datetime-local"
            value={f.endsAt}
            error={errors.endsAt}
            required
          />
          <Field
            name="capacity"
            label={t("slots.capacity")}
            type="number"
            value={f.capacity ?? "1"}
            error={errors.capacity}
            required
          />
          <button type="submit">{t("slots.submit")}</button>
        </Form>
      </section>
    </>,
    { title: t("slots.title"), ...(Object.keys(errors).length ? { status: 400 } : {}) },
  );
}

export const staffSlotPages: PageDef[] = [
  definePage({
    method: "get",
    path: `${CONSOLE}/slots`,
    permission: "community:read",
    nav: navLabel("nav.slots"),
    handler: (p) => slotsPage(p),
  }),
  definePage({
    method: "post",
    path: `${CONSOLE}/slots`,
    permission: "community:write",
    handler(p) {
      const ctx = pageCtx(p);
      const f = p.form;
      const input = {
        centreId: f.centreId ?? "",
        serviceCode: f.serviceCode ?? "",
        startsAt: localTime(f.startsAt),
        endsAt: localTime(f.endsAt),
        capacity: num(f.capacity),
      };
      return submit(
        p,
        async () => {
          await centreInScope(ctx, input.centreId);
          await createSlot({ ctx, input });
        },
        (e) => slotsPage(p, e),
        tr(p)("centres.saved"),
      );
    },
  }),
  definePage({
    method: "get",
    path: `${CONSOLE}/slots/{id}`,
    permission: "community:read",
    async handler(p) {
      const t = tr(p);
      const { slot, bookings } = await slotBookings(pageCtx(p), p.c.req.param("id") ?? "");
      return renderPage(
        p,
        <>
          <p>{`${slot.serviceCode} · ${when(p, slot.startsAt)} – ${when(p, slot.endsAt)} · ${slot.booked}/${slot.capacity}`}</p>
          {bookings.length === 0 ? (
            <Empty text={t("slots.empty")} />
          ) : (
            <table>
              <caption class="muted">{t("slots.bookings")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("slots.name")}</th>
                  <th scope="col">{t("slots.phone")}</th>
                  <th scope="col">{t("slots.status")}</th>
                </tr>
              </thead>
              <tbody>
                {bookings.map((b) => (
                  <tr>
                    <td>{b.residentName}</td>
                    <td>{b.phone}</td>
                    <td>{t(`appt.status.${b.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>,
        { title: t("slots.bookings") },
      );
    },
  }),
];
