/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, PreconditionFailedError } from "@zhengyun/core";
import { findTenantBySlug, withPlatform } from "@zhengyun/tenancy";
import { EXPORTS_OWNER, offboardTenant } from "@zhengyun/tenancy/node";
import { ErrorSummary, Field, type FieldErrors, Form } from "../components/ui.tsx";
import { definePage, type PageCtx, type PageDef, pageTenantAudit } from "../page.ts";
import { href, renderPage } from "../render.tsx";
import { latestExport } from "../services.ts";

const MANAGE = "platform.tenants:manage";
const slugOf = (p: PageCtx) => p.c.req.param("slug") ?? "";

function storageOf(p: PageCtx) {
  const s = p.c.var.deps.storage;
  if (!s) throw new PreconditionFailedError("Offboarding needs the object store");
  return s;
}

async function confirmForm(p: PageCtx, errors: FieldErrors = {}) {
  const { t } = p;
  const tenant = await findTenantBySlug(p.c.var.deps.db, slugOf(p));
  if (!tenant || tenant.status === "offboarded" || tenant.status === "provisioning") {
    throw new NotFoundError("No such tenant");
  }
  return renderPage(
    p,
    <>
      <ErrorSummary p={p} errors={errors} />
      <Form
        action={href(p, `/console/tenants/${tenant.slug}/offboard`)}
        progress={t("offboard.progress")}
      >
        <p role="alert">{t("offboard.warning", { name: tenant.name })}</p>
        <Field
          name="confirmSlug"
          label={t("offboard.typeSlug", { slug: tenant.slug })}
          value={p.form.confirmSlug}
          error={errors.confirmSlug}
          required
          autocomplete="off"
        />
        <button type="submit" class="danger">
          {t("offboard.submit")}
        </button>
      </Form>
    </>,
    {
      title: t("offboard.title", { name: tenant.name }),
      ...(Object.keys(errors).length ? { status: 400 } : {}),
    },
  );
}

/** Vendor: offboard a tenant (export, then drop) after typing its slug, and download the archive. */
export const offboardPages: PageDef[] = [
  definePage({
    method: "get",
    path: "/console/tenants/{slug}/offboard",
    permission: MANAGE,
    handler: (p) => confirmForm(p),
  }),
  definePage({
    method: "post",
    path: "/console/tenants/{slug}/offboard",
    permission: MANAGE,
    async handler(p) {
      const slug = slugOf(p);
      if ((p.form.confirmSlug ?? "").trim() !== slug) {
        return confirmForm(p, { confirmSlug: p.t("offboard.mismatch") });
      }
      const { db } = p.c.var.deps;
      const before = await findTenantBySlug(db, slug);
      if (!before || before.status === "offboarded") throw new NotFoundError("No such tenant");
      const now = (p.c.var.deps.clock ?? { now: () => new Date() }).now();
      // offboardTenant insists on a local copy; the download below streams the stored archive.
      const dir = await mkdtemp(join(tmpdir(), "zy-offboard-"));
      try {
        await offboardTenant(db, storageOf(p), slug, { exportFile: join(dir, "archive"), now });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const after = await findTenantBySlug(db, slug);
      if (after) {
        const audit = pageTenantAudit(p, "tenant.offboard");
        await withPlatform(db, (tx) => audit(tx, after, before.status));
      }
      const { t } = p;
      return renderPage(
        p,
        <div class="card">
          <p>{t("offboard.done", { name: before.name })}</p>
          <a class="button" href={href(p, `/console/tenants/${slug}/export`)} download>
            {t("offboard.download")}
          </a>
        </div>,
        {
          title: t("offboard.done", { name: before.name }),
          flash: { text: t("offboard.done", { name: before.name }) },
        },
      );
    },
  }),
  definePage({
    method: "get",
    path: "/console/tenants/{slug}/export",
    permission: MANAGE,
    async handler(p) {
      const rec = await latestExport(p.c.var.deps.db, slugOf(p));
      if (!rec) throw new NotFoundError("No export of this tenant");
      const body = await storageOf(p).get(EXPORTS_OWNER, rec.objectKey);
      if (!body) throw new NotFoundError("The archive is no longer stored");
      return p.c.body(new Uint8Array(body), 200, {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="${rec.slug}-${rec.id}.tar.gz"`,
        "cache-control": "no-store",
      });
    },
  }),
];
