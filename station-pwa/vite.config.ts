import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ICONS, iconsPlugin } from './build/icons.ts';

export default defineConfig({
  plugins: [
    react(),
    iconsPlugin(),
    VitePWA({
      // The station has redemptions in progress: a new version waits for the operator.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'easyMO Station',
        short_name: 'easyMO',
        description: 'Redeem easyMO fuel vouchers at the pump, online or offline',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b6e4f',
        background_color: '#ffffff',
        icons: ICONS.map((i) => ({
          src: `/${i.file}`,
          sizes: `${i.size}x${i.size}`,
          type: 'image/png',
          purpose: i.purpose,
        })),
      },
      workbox: {
        // The whole shell, the icons and the QR decoder's wasm: the app starts and scans offline.
        globPatterns: ['**/*.{js,css,html,png,svg,wasm,webmanifest}'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
        navigateFallback: '/index.html',
        // The first install controls the open page at once (the operator may go offline
        // before ever reloading); later versions still wait for the prompt.
        clientsClaim: true,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: { host: '127.0.0.1' },
  build: { sourcemap: true },
});
