// Builds the viewer into drawreview/web/static/viewer/ (served by drawreview itself: no CDN).
// Fixed file names; the page adds ?v=<mtime> for cache busting (drawreview/web/viewer.py).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/static/viewer/',
  build: {
    outDir: resolve(__dirname, '../drawreview/web/static/viewer'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    lib: false,
    rollupOptions: {
      input: resolve(__dirname, 'src/main.js'),
      output: {
        format: 'es',
        entryFileNames: 'viewer.js',
        chunkFileNames: 'viewer-[name].js',
        assetFileNames: (info) => (info.name && info.name.endsWith('.css') ? 'viewer.css' : '[name][extname]'),
        inlineDynamicImports: true,
      },
    },
  },
});
