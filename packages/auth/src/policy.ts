/** The pure part of the package (no Node APIs): safe for the Workers build to import. */
export { authorize, type GrantView, type Principal, type TenantArg } from "./authorize.ts";
export * from "./permissions.ts";
