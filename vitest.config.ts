import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/**/*.test.ts",
      "src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
    ],
    // Multi-process suites run on their own: npm run test:cluster.
    exclude: ["test/cluster/**", "**/node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Password hashing is the bottleneck of most suites; two cores, two workers.
    maxWorkers: 2,
  },
});
