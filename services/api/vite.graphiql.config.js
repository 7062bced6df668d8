// Bundles GraphiQL (graphiql/main.js) into dist/graphiql/graphiql.js and graphiql.css at build time,
// so that the page Warden serves loads nothing from a CDN (graphiql-page.ts serves them).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: fileURLToPath(new URL('./dist/graphiql', import.meta.url)),
    emptyOutDir: true,
    cssCodeSplit: false,
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // React components marked "use client" (for server rendering frameworks) mean nothing in a bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: fileURLToPath(new URL('./graphiql/main.js', import.meta.url)),
      output: {
        codeSplitting: false,
        format: 'es',
        entryFileNames: 'graphiql.js',
        chunkFileNames: 'graphiql-[name].js',
        assetFileNames: 'graphiql[extname]',
      },
    },
  },
});
