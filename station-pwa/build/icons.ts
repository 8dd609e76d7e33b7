/**
 * The app icons, drawn here as SVG and rendered to PNG with sharp when the app is built
 * (and served the same way by the dev server): 192 and 512 px "any" icons, and a 512 px
 * maskable one whose mark stays inside the 80 % safe zone Android may crop to.
 */
import sharp from 'sharp';
import type { Plugin } from 'vite';

const GREEN = '#0b6e4f';

/** A pump-nozzle drop with the "e" of easyMO, on green. `inset` is the mark's margin (0–0.5). */
function svg(size: number, { rounded, inset }: { rounded: boolean; inset: number }): string {
  const r = rounded ? size * 0.18 : 0;
  const m = size * inset;
  const s = size - 2 * m;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${r}" fill="${GREEN}"/>
  <g transform="translate(${m} ${m}) scale(${s / 100})">
    <path d="M50 8 C50 8 20 44 20 64 a30 30 0 0 0 60 0 C80 44 50 8 50 8 Z" fill="#ffffff"/>
    <text x="50" y="76" font-family="DejaVu Sans, sans-serif" font-size="38" font-weight="700" fill="${GREEN}" text-anchor="middle">e</text>
  </g>
</svg>`;
}

export const ICONS = [
  { file: 'icons/icon-192.png', size: 192, purpose: 'any', rounded: true, inset: 0.12 },
  { file: 'icons/icon-512.png', size: 512, purpose: 'any', rounded: true, inset: 0.12 },
  { file: 'icons/maskable-512.png', size: 512, purpose: 'maskable', rounded: false, inset: 0.22 },
] as const;

export function renderIcon(icon: (typeof ICONS)[number]): Promise<Buffer> {
  return sharp(Buffer.from(svg(icon.size, icon)))
    .png()
    .toBuffer();
}

export function iconsPlugin(): Plugin {
  return {
    name: 'easymo-station-icons',
    async generateBundle() {
      for (const icon of ICONS) {
        this.emitFile({ type: 'asset', fileName: icon.file, source: await renderIcon(icon) });
      }
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const icon = ICONS.find((i) => req.url === `/${i.file}`);
        if (!icon) return next();
        void renderIcon(icon).then((png) => {
          res.setHeader('content-type', 'image/png');
          res.end(png);
        }, next);
      });
    },
  };
}
