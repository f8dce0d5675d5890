import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "apps/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tests/bench/**"],
    globalSetup: ["tests/harness/global-setup.ts"],
    reporters: ["default", "./tests/harness/summary-reporter.ts"],
    // Generous: CI runs every file on 2 cores at once, and CLI suites boot subprocesses.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // Files run in parallel processes; each opens its own PGlite and its own tenants.
    pool: "forks",
    // Most suites wait on Postgres, s3rver or subprocesses, not on the CPU: three workers keep two
    // cores busy (vitest's default on a 2-core machine is a single worker).
    maxWorkers: 3,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
