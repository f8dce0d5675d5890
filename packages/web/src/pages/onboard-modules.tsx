/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { createContract, subscribe } from "@zhengyun/billing";
import { platformSchema } from "@zhengyun/db";
import { withPlatform } from "@zhengyun/tenancy";
import { asc } from "drizzle-orm";
import type { PageCtx } from "../page.ts";
import { actorOf } from "./billing-shared.ts";

type Module = typeof platformSchema.billingModules.$inferSelect;

/** The vendor's module catalog, for the onboarding wizard's modules step. */
export function catalogModules(p: PageCtx): Promise<Module[]> {
  const { billingModules } = platformSchema;
  return withPlatform(p.c.var.deps.db, (tx) =>
    tx.select().from(billingModules).orderBy(asc(billingModules.code)),
  );
}

const fieldOf = (code: string) => `module_${code}`;

export function ModuleFields({ p, modules }: { p: PageCtx; modules: Module[] }) {
  const { t } = p;
  if (modules.length === 0) return null;
  return (
    <fieldset>
      <legend>{t("onboard.stepModules")}</legend>
      <p class="muted">{t("onboard.modulesHelp")}</p>
      {modules.map((m) => (
        <label>
          <input
            type="checkbox"
            name={fieldOf(m.code)}
            value="on"
            checked={p.form[fieldOf(m.code)] === "on"}
          />{" "}
          {p.lang === "en" ? m.nameEn : m.nameZh}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Puts the ticked modules under a contract starting today (Asia/Shanghai) and subscribes them, so a
 * new tenant is billed from its first day. Runs after provisioning, like the equipment step.
 */
export async function contractStepModules(p: PageCtx, tenant: string, modules: Module[]) {
  const chosen = modules.filter((m) => p.form[fieldOf(m.code)] === "on").map((m) => m.code);
  if (chosen.length === 0) return;
  const now = (p.c.var.deps.clock ?? { now: () => new Date() }).now();
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const { db } = p.c.var.deps;
  const actor = actorOf(p);
  await createContract(
    db,
    { tenant, startsOn: today, modules: chosen.map((module) => ({ module })) },
    actor,
  );
  for (const module of chosen) await subscribe(db, { tenant, module, startsOn: today }, actor);
}
