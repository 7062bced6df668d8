import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts its own servers; running files one at a time keeps the 2-core machine calm.
    fileParallelism: false,
  },
});
