/**
 * The web shell: server-rendered pages (Hono JSX) for the vendor console, tenant consoles and the
 * citizen portal. Module packages add their pages with `addPages(app, [definePage(...)])` and reuse
 * the layout, components, i18n helpers and `renderPage`.
 */
export { BarChart, type BarPoint, Sparkline } from "./components/chart.tsx";
export { fieldErrors, validate, verbErrors } from "./components/forms.ts";
export {
  type Column,
  Confirm,
  DataTable,
  Empty,
  ErrorSummary,
  Field,
  type FieldErrors,
  Form,
  type TableQuery,
  tableQuery,
} from "./components/ui.tsx";
export * from "./i18n/index.ts";
export { addPages, shellPages, webModule } from "./module.ts";
export {
  type Area,
  allowed,
  definePage,
  listPages,
  type PageCtx,
  type PageDef,
  type PageInfo,
  type PagePermission,
} from "./page.ts";
export { TenantsTable } from "./pages/vendor.tsx";
export { href, Layout, type RenderOptions, redirect, renderPage } from "./render.tsx";
