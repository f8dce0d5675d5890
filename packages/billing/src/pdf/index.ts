export { cjkFont } from "./font.ts";
export { renderDocumentPdf } from "./render.ts";
export * from "./view.ts";
