/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import {
  definePage,
  ErrorSummary,
  Field,
  type FieldErrors,
  type PageCtx,
  renderPage,
  verbErrors,
} from "@zhengyun/web";
import { settleBatch } from "../batch.ts";
import type { RowError } from "../csv.ts";
import { importContributionsCsv, importPersonsCsv } from "../import.ts";
import { at, CONSOLE, Facts, link, miCtx, money, navLabel, Table, tr } from "./common.tsx";

const PATH = `${CONSOLE}/batch`;
const kinds = ["settlements-jsonl", "settlements-csv", "persons", "contributions"] as const;
type Kind = (typeof kinds)[number];

interface Report {
  rows: number;
  imported: number;
  rejected: number;
  errors: RowError[];
  medfee?: number;
  fund?: number;
}

/** One verb per kind; each reports its rejected rows line by line and keeps the good ones. */
async function run(p: PageCtx, kind: Kind, text: string): Promise<Report> {
  const ctx = miCtx(p);
  if (kind === "persons") return importPersonsCsv(ctx, text);
  if (kind === "contributions") return importContributionsCsv(ctx, text);
  const r = await settleBatch(ctx, text, kind === "settlements-csv" ? "csv" : "jsonl");
  return {
    rows: r.lines,
    imported: r.settled,
    rejected: r.rejected,
    errors: r.errors,
    medfee: r.medfeeSumamt,
    fund: r.fundPaySumamt,
  };
}

function page(
  p: PageCtx,
  opts: { errors?: FieldErrors; report?: Report; status?: 200 | 400 } = {},
) {
  const t = tr(p);
  const errors = opts.errors ?? {};
  const r = opts.report;
  const body = (
    <>
      {r && (
        <section aria-labelledby="report">
          <h2 id="report">{t("batch.report")}</h2>
          <Facts
            rows={[
              [t("batch.rows"), String(r.rows)],
              [t("batch.imported"), String(r.imported)],
              [t("batch.rejected"), String(r.rejected)],
              ...(r.medfee !== undefined
                ? ([[t("amt.medfee_sumamt"), money(r.medfee)]] as [string, string][])
                : []),
              ...(r.fund !== undefined
                ? ([[t("amt.fund_pay_sumamt"), money(r.fund)]] as [string, string][])
                : []),
            ]}
          />
          <h3>{t("batch.errors")}</h3>
          <Table
            caption={t("batch.errors")}
            empty={t("batch.noErrors")}
            head={[
              { label: t("batch.line"), num: true },
              { label: t("batch.ref") },
              { label: t("batch.field") },
              { label: t("batch.message") },
            ]}
            rows={r.errors.flatMap((e) =>
              e.errors.map((x) => [String(e.line), e.ref ?? "", <code>{x.path}</code>, x.message]),
            )}
          />
        </section>
      )}
      <ErrorSummary p={p} errors={errors} />
      <form method="post" action={link(p, at(p, PATH))} class="card">
        <Field
          name="kind"
          label={t("batch.kind")}
          value={p.form.kind}
          error={errors.kind}
          options={kinds.map((k) => ({ value: k, label: t(`batch.kind.${k}`) }))}
        />
        <Field
          name="text"
          multiline
          label={t("batch.text")}
          hint={t("batch.textHint")}
          value={p.form.text}
          error={errors.text ?? errors.file}
          required
        />
        <button type="submit">{t("batch.submit")}</button>
      </form>
    </>
  );
  return renderPage(p, body, { title: t("batch.title"), status: opts.status ?? 200 });
}

const form = definePage({
  method: "get",
  path: PATH,
  permission: "mi:write",
  nav: navLabel("nav.batch"),
  handler: (p) => page(p),
});

/** Imports and shows the row-level report at once (rejected rows wrote nothing). */
const upload = definePage({
  method: "post",
  path: PATH,
  permission: "mi:write",
  handler: async (p) => {
    const kind = kinds.find((k) => k === p.form.kind);
    const text = p.form.text ?? "";
    if (!kind) return page(p, { errors: { kind: p.t("form.invalid") }, status: 400 });
    if (!text.trim()) return page(p, { errors: { text: p.t("form.required") }, status: 400 });
    try {
      return page(p, { report: await run(p, kind, text) });
    } catch (e) {
      const errors = verbErrors(p.t, e);
      if (errors)
        return page(p, {
          errors: { text: errors.file ?? errors._ ?? p.t("form.invalid") },
          status: 400,
        });
      throw e;
    }
  },
});

export const batchPages = [form, upload];
