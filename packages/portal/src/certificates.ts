import { writeAudit } from "@zhengyun/audit";
import { ConflictError, humanCode, NotFoundError, shanghaiDay } from "@zhengyun/core";
import type { Tx } from "@zhengyun/db";
import { recordUsage } from "@zhengyun/jobs/outbox";
import { withTenant } from "@zhengyun/tenancy";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { addEvent, loadApplication } from "./applications.ts";
import { findItem } from "./catalogue.ts";
import { auditActor, nowOf, type PortalCtx, parse } from "./context.ts";
import { type PortalCertificate, portalCertificates } from "./schema.ts";

export const issueInput = z.object({
  /** Last day of validity (Shanghai date); absent means valid without limit. */
  validUntil: z.iso.date().nullish(),
});

/** Issues the electronic certificate of an approved application (one per application). */
export async function issueCertificate({
  ctx,
  ref,
  input,
}: {
  ctx: PortalCtx;
  ref: string;
  input: unknown;
}) {
  const i = parse(issueInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const app = await loadApplication(tx, ref, ctx, true);
    if (app.decision !== "approved")
      throw new ConflictError("Only an approved application gets a certificate");
    const [existing] = await tx
      .select()
      .from(portalCertificates)
      .where(eq(portalCertificates.applicationId, app.id));
    if (existing) throw new ConflictError(`Certificate ${existing.number} was already issued`);
    const item = await findItem(tx, app.itemCode);
    const now = nowOf(ctx);
    const validFrom = shanghaiDay(now);
    if (i.validUntil && i.validUntil < validFrom)
      throw new ConflictError("validUntil is before today");
    const [cert] = await tx
      .insert(portalCertificates)
      .values({
        code: humanCode(16),
        number: `${validFrom.slice(0, 4)}-${humanCode(8)}`,
        applicationId: app.id,
        holder: app.applicantName,
        itemName: item?.name ?? app.itemCode,
        issuingBody: item?.implementingBody ?? "",
        validFrom,
        validUntil: i.validUntil ?? null,
        issuedAt: now,
      })
      .returning();
    if (!cert) throw new Error("insert returned nothing");
    await addEvent(tx, {
      applicationId: app.id,
      state: app.state,
      action: "certificate",
      data: { number: cert.number },
      actorId: ctx.actor?.id ?? null,
      at: now,
    });
    await recordUsage(tx, {
      meter: "portal.certificates",
      quantity: 1,
      eventId: `portal.certificates:${cert.id}`,
    });
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.certificate.issue",
      objectType: "portal_certificate",
      objectId: cert.number,
      data: { applicationId: app.id },
    });
    return cert;
  });
}

export type CertificateStatus = "valid" | "expired" | "revoked";

/** Only what is printed on the certificate: the public learns nothing more. */
export function verification(c: PortalCertificate, now: Date) {
  const status: CertificateStatus = c.revokedAt
    ? "revoked"
    : c.validUntil && c.validUntil < shanghaiDay(now)
      ? "expired"
      : "valid";
  return {
    code: c.code,
    status,
    number: c.number,
    holder: c.holder,
    itemName: c.itemName,
    issuingBody: c.issuingBody,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
  };
}
export type Verification = ReturnType<typeof verification>;

async function byCode(tx: Tx, code: string) {
  const [c] = await tx.select().from(portalCertificates).where(eq(portalCertificates.code, code));
  if (!c) throw new NotFoundError(`No certificate with code ${code}`);
  return c;
}

/** 联网核查: public, by the code printed on the certificate and in its QR code. */
export async function verifyCertificate(ctx: PortalCtx, code: string): Promise<Verification> {
  if (!/^[0-9A-Z]{6,32}$/.test(code)) throw new NotFoundError(`No certificate with code ${code}`);
  const c = await withTenant(ctx.db, ctx.tenant, (tx) => byCode(tx, code));
  return verification(c, nowOf(ctx));
}

export async function certificateByCode(ctx: PortalCtx, code: string) {
  return withTenant(ctx.db, ctx.tenant, (tx) => byCode(tx, code));
}

/** The certificate issued for an application, if any (the case page shows it). */
export async function certificateOfApplication(ctx: PortalCtx, applicationId: number) {
  const [c] = await withTenant(ctx.db, ctx.tenant, (tx) =>
    tx.select().from(portalCertificates).where(eq(portalCertificates.applicationId, applicationId)),
  );
  return c ?? null;
}

export const revokeInput = z.object({ reason: z.string().trim().min(1).max(2000) });

export async function revokeCertificate({
  ctx,
  code,
  input,
}: {
  ctx: PortalCtx;
  code: string;
  input: unknown;
}) {
  const i = parse(revokeInput, input);
  return withTenant(ctx.db, ctx.tenant, async (tx) => {
    const c = await byCode(tx, code);
    if (c.revokedAt) throw new ConflictError("This certificate is already revoked");
    const now = nowOf(ctx);
    const [row] = await tx
      .update(portalCertificates)
      .set({ revokedAt: now, revokedReason: i.reason })
      .where(eq(portalCertificates.id, c.id))
      .returning();
    await writeAudit(tx, {
      ...auditActor(ctx),
      action: "portal.certificate.revoke",
      objectType: "portal_certificate",
      objectId: c.number,
      data: { reason: i.reason },
    });
    return verification(row as PortalCertificate, now);
  });
}
