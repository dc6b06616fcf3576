import { defineConfig } from "vitest/config";

/** `npm run test:cluster`: several real server processes; kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
