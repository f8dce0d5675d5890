/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { subscribe, unsubscribe } from "@zhengyun/billing";
import type { Tenant } from "@zhengyun/tenancy";
import { Confirm } from "../components/ui.tsx";
import { definePage, type PageCtx, type PageDef } from "../page.ts";
import { href, redirect, renderPage } from "../render.tsx";
import { moduleCatalog } from "../services.ts";

const BASE = "/t/{tenant}/console/modules";
const tenantOf = (p: PageCtx): Tenant => p.tenant as Tenant;
/** Today in Asia/Shanghai: subscriptions start and end on the tenant's calendar day. */
const today = (p: PageCtx) =>
  new Date((p.c.var.deps.clock ?? { now: () => new Date() }).now().getTime() + 8 * 3_600_000)
    .toISOString()
    .slice(0, 10);
const actorOf = (p: PageCtx) => ({
  actorId: p.principal?.id ?? null,
  actorRole: p.principal?.roles.join(",") ?? null,
  requestId: p.requestId,
});
const nameOf = (p: PageCtx, m: { nameZh: string; nameEn: string }) =>
  p.lang === "en" ? m.nameEn : m.nameZh;

async function moduleNamed(p: PageCtx) {
  const code = p.c.req.param("module") ?? "";
  const all = await moduleCatalog(p.c.var.deps.db, tenantOf(p).id, today(p));
  return all.find((m) => m.code === code);
}

export const modulePages: PageDef[] = [
  definePage({
    method: "get",
    path: BASE,
    permission: "tenant.subscriptions:manage",
    nav: (t) => t("nav.modules"),
    async handler(p) {
      const { t } = p;
      const mods = await moduleCatalog(p.c.var.deps.db, tenantOf(p).id, today(p));
      const base = `/t/${tenantOf(p).slug}/console/modules`;
      return renderPage(
        p,
        <table>
          <caption class="muted">{t("modules.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("modules.module")}</th>
              <th scope="col">{t("modules.state")}</th>
              <th scope="col">
                <span class="muted">{t("modules.subscribe")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mods.map((m) => (
              <tr>
                <td>{nameOf(p, m)}</td>
                <td>
                  {m.subscription
                    ? t("modules.subscribed", { since: m.subscription.startsOn })
                    : m.inContract
                      ? t("modules.available")
                      : t("modules.notInContract")}
                </td>
                <td>
                  {m.subscription ? (
                    <a href={href(p, `${base}/${m.code}/end`)}>{t("modules.end")}</a>
                  ) : (
                    m.inContract && (
                      <form method="post" action={href(p, `${base}/${m.code}/subscribe`)}>
                        <button
                          type="submit"
                          aria-label={`${t("modules.subscribe")} ${nameOf(p, m)}`}
                        >
                          {t("modules.subscribe")}
                        </button>
                      </form>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>,
        { title: t("modules.title") },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${BASE}/{module}/subscribe`,
    permission: "tenant.subscriptions:manage",
    async handler(p) {
      const m = await moduleNamed(p);
      if (!m) return redirect(p, `/t/${tenantOf(p).slug}/console/modules`);
      await subscribe(
        p.c.var.deps.db,
        { tenant: tenantOf(p).slug, module: m.code, startsOn: today(p) },
        actorOf(p),
      );
      return redirect(
        p,
        `/t/${tenantOf(p).slug}/console/modules`,
        p.t("modules.subscribedFlash", { name: nameOf(p, m) }),
      );
    },
  }),
  definePage({
    method: "get",
    path: `${BASE}/{module}/end`,
    permission: "tenant.subscriptions:manage",
    async handler(p) {
      const m = await moduleNamed(p);
      if (!m?.subscription) return redirect(p, `/t/${tenantOf(p).slug}/console/modules`);
      return renderPage(
        p,
        <Confirm
          p={p}
          question={p.t("modules.endConfirm", { name: nameOf(p, m) })}
          action={p.path}
          danger={p.t("modules.end")}
        />,
        {
          title: p.t("form.confirmTitle"),
        },
      );
    },
  }),
  definePage({
    method: "post",
    path: `${BASE}/{module}/end`,
    permission: "tenant.subscriptions:manage",
    async handler(p) {
      const m = await moduleNamed(p);
      if (!m?.subscription) return redirect(p, `/t/${tenantOf(p).slug}/console/modules`);
      await unsubscribe(
        p.c.var.deps.db,
        { tenant: tenantOf(p).slug, module: m.code, endsOn: today(p) },
        actorOf(p),
      );
      return redirect(
        p,
        `/t/${tenantOf(p).slug}/console/modules`,
        p.t("modules.endedFlash", { name: nameOf(p, m) }),
      );
    },
  }),
];
