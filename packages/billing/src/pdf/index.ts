export { renderDocumentPdf } from "./render.ts";
export * from "./view.ts";
