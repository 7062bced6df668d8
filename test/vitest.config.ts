import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file starts its own servers; running files one at a time keeps the 2-core machine calm.
    fileParallelism: false,
    // One module graph for every file: each file starts its own servers, so nothing of one file's
    // state is another's, and re-importing the whole service per file cost a third of the suite's
    // time. No file mocks a module.
    isolate: false,
  },
  // The workspace packages are inlined by vite, which would resolve their `graphql` to its ES
  // build, while Pothos (loaded by Node) builds the schema with the CommonJS one, as Node resolves
  // it for all of them in production. One module instance, as in production.
  resolve: { alias: { graphql: 'graphql/index.js' } },
});
