import postgres from "postgres";

/**
 * Decides, once, which environment-bound suites run, and says plainly what is not run. Under CI a
 * missing Postgres is a failure, never a silent skip.
 */
export default async function setup(): Promise<void> {
  const ci = process.env.CI === "true";
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    if (ci)
      throw new Error(
        "CI=true but TEST_DATABASE_URL is not set: the real-Postgres suites must run",
      );
    process.stderr.write(
      "\nNOT RUN: real-Postgres suites (set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them). Everything else runs on PGlite.\n\n",
    );
    return;
  }
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (e) {
    throw new Error(
      `TEST_DATABASE_URL is set but Postgres does not answer: ${(e as Error).message}`,
    );
  } finally {
    await sql.end({ timeout: 1 });
  }
}
