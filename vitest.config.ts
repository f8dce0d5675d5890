import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "apps/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tests/bench/**"],
    globalSetup: ["tests/harness/global-setup.ts"],
    reporters: ["default", "./tests/harness/summary-reporter.ts"],
    // Generous: CI runs every file on 2 cores at once, and CLI suites boot subprocesses.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Files run in parallel processes; each opens its own PGlite and its own tenants.
    pool: "forks",
  },
});
