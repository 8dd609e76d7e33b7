export * from './canvas.ts';
export * from './card.ts';
export * from './png.ts';
export * from './qr.ts';
