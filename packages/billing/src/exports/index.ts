export { csvCell, csvRow } from "./csv.ts";
export { documentPdf, issuedDocument } from "./documents.ts";
export { invoiceLinesCsv } from "./lines-csv.ts";
export { type RevenueRow, revenueSummary } from "./revenue.ts";
