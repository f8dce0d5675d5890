import { cjkFont } from "@zhengyun/billing/pdf";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { PortalCertificate } from "./schema.ts";

/**
 * The certificate as a PDF: printed fields, the verification code and a QR code of the public
 * verification page (`verifyUrl`), so anyone holding the paper can check it online. Node only.
 */
export async function renderCertificatePdf(
  c: PortalCertificate,
  verifyUrl: string,
): Promise<Buffer> {
  const qr = await QRCode.toBuffer(verifyUrl, {
    type: "png",
    margin: 1,
    width: 240,
    errorCorrectionLevel: "M",
  });
  const doc = new PDFDocument({
    size: "A4",
    margin: 60,
    info: { Title: `${c.itemName} ${c.number}`, Author: c.issuingBody },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (b: Buffer) => chunks.push(b));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.registerFont("cjk", cjkFont());
  doc.font("cjk").fontSize(22).text(c.itemName, { align: "center" }).moveDown(0.3);
  doc.fontSize(11).text("电子证照 Electronic certificate", { align: "center" }).moveDown(1.5);
  const rows: [string, string][] = [
    ["证照编号 Number", c.number],
    ["持证人 Holder", c.holder],
    ["发证机关 Issuing body", c.issuingBody],
    ["有效期自 Valid from", c.validFrom],
    ["有效期至 Valid until", c.validUntil ?? "长期 No limit"],
    ["核验码 Verification code", c.code],
  ];
  doc.fontSize(12);
  for (const [label, value] of rows) doc.text(`${label}：${value}`).moveDown(0.5);
  doc.image(qr, doc.page.width - 60 - 140, doc.y + 20, { width: 140 });
  doc.fontSize(9).text(`扫码或访问 ${verifyUrl} 核验 · Scan or visit to verify`, 60, doc.y + 180, {
    width: 330,
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
