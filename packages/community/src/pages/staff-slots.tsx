/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  Field,
  type FieldErrors,
  type PageCtx,
  type PageDef,
  renderPage,
} from "@zhengyun/web";
import { createSlot } from "../appointments.ts";
import { centreInScope, scopedCentres, slotBookings, staffSlots } from "../views.ts";
import {
  CONSOLE,
  FormSection,
  formPage,
  link,
  localTime,
  navLabel,
  nowOfPage,
  num,
  pageCtx,
  submit,
  Table,
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
      <Table
        caption={t("slots.caption")}
        empty={t("slots.empty")}
        head={[
          t("slots.centre"),
          t("slots.service"),
          t("slots.starts"),
          t("slots.ends"),
          [t("slots.booked"), "num"],
        ]}
        rows={slots}
        row={(s) => (
          <tr>
            <td>{name.get(s.centreId) ?? s.centreId}</td>
            <td>{s.serviceCode}</td>
            <td>
              <a href={link(p, `${CONSOLE}/slots/${s.id}`)}>{when(p, s.startsAt)}</a>
            </td>
            <td>{when(p, s.endsAt)}</td>
            <td class="num">{`${s.booked}/${s.capacity}`}</td>
          </tr>
        )}
      />
      <FormSection
        p={p}
        id="add"
        title={t("slots.add")}
        action={`${CONSOLE}/slots`}
        submit={t("slots.submit")}
        errors={errors}
      >
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
      </FormSection>
    </>,
    formPage(t("slots.title"), errors),
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
          <Table
            caption={t("slots.bookings")}
            empty={t("slots.empty")}
            head={[t("slots.name"), t("slots.phone"), t("slots.status")]}
            rows={bookings}
            row={(b) => (
              <tr>
                <td>{b.residentName}</td>
                <td>{b.phone}</td>
                <td>{t(`appt.status.${b.status}`)}</td>
              </tr>
            )}
          />
        </>,
        { title: t("slots.bookings") },
      );
    },
  }),
];
