/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { equipmentInput, registerEquipment } from "@zhengyun/billing";
import { fieldErrors } from "../components/forms.ts";
import { Field, type FieldErrors } from "../components/ui.tsx";
import type { PageCtx } from "../page.ts";
import { serialTaken } from "../services.ts";
import { actorOf } from "./billing-shared.ts";

const FIELDS = ["item", "serial", "location", "cost", "residual", "installedOn", "cycle"] as const;
const name = (f: (typeof FIELDS)[number]) => `eq_${f}`;

/** The onboarding wizard's equipment step: one optional item placed at the new tenant. */
export function EquipmentFields({ p, errors }: { p: PageCtx; errors: FieldErrors }) {
  const { t } = p;
  return (
    <fieldset>
      <legend>{t("onboard.stepEquipment")}</legend>
      <p class="muted">{t("onboard.equipmentHelp")}</p>
      {FIELDS.map((f) => (
        <Field
          name={name(f)}
          label={t(`equipment.${f}`)}
          type={
            f === "installedOn"
              ? "date"
              : ["cost", "residual", "cycle"].includes(f)
                ? "number"
                : "text"
          }
          value={p.form[name(f)]}
          error={errors[name(f)]}
        />
      ))}
    </fieldset>
  );
}

const FIELD_OF: Record<string, string> = {
  item: "eq_item",
  serial: "eq_serial",
  location: "eq_location",
  acquisitionCostFen: "eq_cost",
  residualValueFen: "eq_residual",
  installedOn: "eq_installedOn",
  renewalCycleMonths: "eq_cycle",
};

/**
 * The equipment step's input, checked with billing's own schema before anything is provisioned
 * (a taken serial too), so a bad item refuses the whole wizard and writes nothing. Undefined when
 * the step was left empty.
 */
export async function equipmentStep(p: PageCtx, slug: string) {
  const filled = FIELDS.some((f) => (p.form[name(f)] ?? "").trim() !== "");
  if (!filled) return { ok: true as const, input: undefined };
  const num = (f: (typeof FIELDS)[number]) => {
    const v = (p.form[name(f)] ?? "").trim();
    return v === "" ? Number.NaN : Number(v);
  };
  const input = {
    tenant: slug,
    item: p.form.eq_item ?? "",
    serial: p.form.eq_serial ?? "",
    location: p.form.eq_location ?? "",
    acquisitionCostFen: num("cost"),
    residualValueFen: num("residual"),
    installedOn: p.form.eq_installedOn ?? "",
    renewalCycleMonths: num("cycle"),
  };
  const r = equipmentInput.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({
      ...i,
      path: [FIELD_OF[String(i.path[0])] ?? "_"],
    }));
    return { ok: false as const, errors: fieldErrors(p.t, issues) };
  }
  if (await serialTaken(p.c.var.deps.db, input.serial.trim())) {
    return { ok: false as const, errors: { eq_serial: p.t("onboard.serialTaken") } };
  }
  return { ok: true as const, input };
}

/** Registers the step's item once the tenant exists (billing audits it in the vendor chain). */
export async function registerStepEquipment(
  p: PageCtx,
  input: Parameters<typeof registerEquipment>[1],
): Promise<void> {
  await registerEquipment(p.c.var.deps.db, input, actorOf(p));
}
