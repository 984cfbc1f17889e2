import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Preload as one CommonJS file: a sandboxed preload can require only `electron`. */
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('./dist/preload', import.meta.url)),
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    target: 'node20',
    lib: {
      entry: fileURLToPath(new URL('./src-main/app/preload.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
  logLevel: 'warn',
});
