import { pgSchema } from "drizzle-orm/pg-core";

/** The control plane: tenants, identities, catalog, subscriptions, aggregated usage, invoices. */
export const platform = pgSchema("platform");
