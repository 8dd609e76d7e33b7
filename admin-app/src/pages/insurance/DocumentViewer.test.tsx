import type { TQuoteDocument } from '@easymo/contracts';
import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import { DocumentViewer } from './DocumentViewer.tsx';

/** A 4×2 PNG (wider than tall), drawn here so the test needs no file or server. */
function pngUrl(): string {
  const canvas = document.createElement('canvas');
  canvas.width = 400;
  canvas.height = 200;
  const context = canvas.getContext('2d');
  if (context) {
    context.fillStyle = '#0079c1';
    context.fillRect(0, 0, 400, 200);
  }
  return canvas.toDataURL('image/png');
}

const doc = (name: string, kind: TQuoteDocument['kind'], url: string | null): TQuoteDocument => ({
  path: `q/${name}`,
  name,
  mimetype: null,
  size: null,
  kind,
  url,
});

test('zooms and rotates the open image with the keyboard, and fits it again with 0', async () => {
  const screen = await render(<DocumentViewer documents={[doc('national-id.png', 'image', pngUrl())]} />);
  const stage = screen.getByTestId('document-stage');
  const image = screen.getByTestId('document-image');
  await expect.poll(() => (image.element() as HTMLImageElement).naturalWidth).toBe(400);
  const box = () => image.element().getBoundingClientRect();

  await userEvent.click(stage);
  await userEvent.keyboard('r');
  await expect.element(stage).toHaveAttribute('data-rotation', '90');
  // A quarter turn: the box on screen is taller than wide.
  await expect.poll(() => box().height > box().width).toBe(true);
  const turned = box();
  await userEvent.keyboard('++');
  await expect.element(screen.getByTestId('document-zoom')).toHaveTextContent('150%');
  await expect.poll(() => Math.round((box().height / turned.height) * 100)).toBe(150);
  await expect.poll(() => Math.round((box().width / turned.width) * 100)).toBe(150);

  await userEvent.keyboard('{Shift>}R{/Shift}0');
  await expect.element(stage).toHaveAttribute('data-rotation', '0');
  await expect.element(screen.getByTestId('document-zoom')).toHaveTextContent('100%');
  await expect.element(screen.getByRole('button', { name: 'Zoom out' })).toBeEnabled();
});

test('a listed document that is not stored, and a file type without a preview, say so', async () => {
  const screen = await render(
    <DocumentViewer
      documents={[
        doc('vehicle-registration.png', 'image', null),
        doc('notes.txt', 'other', 'https://storage.test/notes'),
      ]}
    />,
  );
  await expect.element(screen.getByText('Not stored')).toBeVisible();
  await expect.element(screen.getByRole('link', { name: 'Open original' })).not.toBeInTheDocument();

  // One tab stop; the arrow keys move between documents.
  await screen.getByRole('tab', { name: /vehicle-registration/ }).click();
  await userEvent.keyboard('{ArrowRight}');
  await expect.element(screen.getByRole('tab', { name: /notes\.txt/ })).toHaveAttribute('aria-selected', 'true');
  await expect.element(screen.getByRole('tab', { name: /notes\.txt/ })).toHaveFocus();
  await expect.element(screen.getByRole('tab', { name: /vehicle-registration/ })).toHaveAttribute('tabindex', '-1');
  await expect.element(screen.getByText('No preview')).toBeVisible();
  await expect
    .element(screen.getByRole('link', { name: 'Download notes.txt' }))
    .toHaveAttribute('href', 'https://storage.test/notes');
});

test('with no documents it says the driver has sent none', async () => {
  const screen = await render(<DocumentViewer documents={[]} />);
  await expect.element(screen.getByText('No documents')).toBeVisible();
});
