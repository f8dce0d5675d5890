import { timestamp } from "drizzle-orm/pg-core";

/** Shared column groups. Times are timestamptz in UTC. */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};
