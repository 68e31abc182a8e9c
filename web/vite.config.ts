/**
 * The dashboard build: `npm run build:web` writes `dist/web`, which the Fastify server serves at `/`.
 * `npx vite --config web/vite.config.ts` runs it in development against a server on :3000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import postcssPresetMantine from 'postcss-preset-mantine';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  css: { postcss: { plugins: [postcssPresetMantine()] } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': process.env.VENTANA_DEV_API ?? 'http://127.0.0.1:3000',
      '/l/': process.env.VENTANA_DEV_API ?? 'http://127.0.0.1:3000',
    },
  },
});
