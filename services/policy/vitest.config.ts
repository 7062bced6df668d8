import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI's tests run it as a child process, synchronously: 0.3–0.5 s idle, 2–2.5 s on a loaded
    // machine, near vitest's 5 s default.
    testTimeout: 30_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
