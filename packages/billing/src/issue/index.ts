export { type CreditNoteInput, creditNoteInput, issueCreditNote } from "./credit.ts";
export { issueInvoice, PAYMENT_TERM_DAYS } from "./issue.ts";
export { assertEditable } from "./load.ts";
export { formatNumber, nextNumber, type Series, shanghaiYear } from "./numbering.ts";
export { type AdjustLineInput, adjustLine, adjustLineInput, approveInvoice } from "./review.ts";
