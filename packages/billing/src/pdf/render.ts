import PDFDocument from "pdfkit";
import { cjkFont } from "./font.ts";
import { type BillingDocument, formatFen, formatRate, formatShanghai } from "./view.ts";

const KIND_ZH: Record<string, string> = {
  rental: "模块租用费",
  usage: "超额使用费",
  equipment: "设备更新费",
  one_off: "一次性费用",
  adjustment: "调整",
  credit: "冲减",
};

/** Column x positions and widths on A4 (595 pt wide, 50 pt margins). */
const COLS = [
  { key: "description", x: 50, w: 230, align: "left" },
  { key: "kind", x: 280, w: 75, align: "left" },
  { key: "amount", x: 355, w: 70, align: "right" },
  { key: "rate", x: 425, w: 40, align: "right" },
  { key: "tax", x: 465, w: 80, align: "right" },
] as const;

/** Renders an issued invoice or credit note as a PDF with the CJK font embedded (subset). */
export async function renderDocumentPdf(d: BillingDocument): Promise<Buffer> {
  const title = d.type === "invoice" ? "发票" : "红字冲减单（贷项通知）";
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: `${title} ${d.number}`, Author: d.seller.name, Subject: d.tenant.name },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  // One weight: every embedded font costs a parse of its 8 MB file per document.
  doc.registerFont("cjk", cjkFont());

  doc.font("cjk").fontSize(18).text(`${d.seller.name} · ${title}`, { align: "center" });
  doc.moveDown(0.8).font("cjk").fontSize(10);
  const meta: [string, string][] = [
    ["编号", d.number],
    ["购买方", `${d.tenant.name}（${d.tenant.slug}）`],
    ["开具时间", `${formatShanghai(d.issuedAt)}（北京时间）`],
  ];
  if (d.period) meta.push(["账期", d.period.slice(0, 7)]);
  if (d.dueOn) meta.push(["付款期限", d.dueOn]);
  if (d.invoiceNumber) meta.push(["原发票编号", d.invoiceNumber]);
  if (d.reason) meta.push(["原因", d.reason]);
  for (const [k, v] of meta) doc.text(`${k}：${v}`);

  doc.moveDown();
  const header = { description: "项目", kind: "类别", amount: "金额", rate: "税率", tax: "税额" };
  row(doc, header, true);
  for (const l of d.lines) {
    row(doc, {
      description: l.description,
      kind: KIND_ZH[l.kind] ?? l.kind,
      amount: formatFen(l.amountFen),
      rate: formatRate(l.taxRateBp),
      tax: formatFen(l.taxFen),
    });
  }
  doc.moveDown();
  for (const [k, v] of [
    ["不含税金额", d.subtotalFen],
    ["税额", d.taxFen],
    ["价税合计（人民币）", d.totalFen],
  ] as const) {
    doc.text(`${k}：${formatFen(v)}`, 50, doc.y, { align: "right", width: 495 });
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function row(doc: PDFKit.PDFDocument, cells: Record<string, string>, header = false): void {
  if (doc.y > 760) doc.addPage();
  doc.fontSize(header ? 10 : 9);
  const y = doc.y;
  let bottom = y;
  for (const c of COLS) {
    doc.text(cells[c.key] ?? "", c.x, y, { width: c.w, align: c.align });
    bottom = Math.max(bottom, doc.y);
  }
  doc.x = 50;
  doc.y = bottom + 4;
}
