import type { Database } from "@zhengyun/db";
import { query } from "@zhengyun/db";
import { sql } from "drizzle-orm";

/** True when the database answers a trivial query. */
export async function databaseAnswers(db: Database): Promise<boolean> {
  try {
    await query(db.orm, sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
