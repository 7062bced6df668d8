import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // graphql ships CommonJS and ESM builds; Pothos and the tests must share one of them.
    server: { deps: { inline: [/@pothos\//] } },
  },
  resolve: { alias: { graphql: 'graphql/index.js' } },
});
