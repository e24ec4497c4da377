import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console, built by `npm run build` into dist/console and served by the ingress at `/ui/`.
 * Everything is bundled: no font, script or style comes from another origin (the gateway runs
 * offline). `npx vite apps/console` serves it with hot reload, proxying the API to :4000.
 */
export default defineConfig({
  root,
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/key', '/spend', '/health', '/integrations', '/model'].map((path) => [
        path,
        'http://127.0.0.1:4000',
      ]),
    ),
  },
});
