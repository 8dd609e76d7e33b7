import { useState } from 'react';
import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { ConfirmDialog } from './Dialog.tsx';

function Harness() {
  const [open, setOpen] = useState(false);
  const [confirmed, setConfirmed] = useState(0);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Void voucher
      </button>
      <span data-testid="confirmed">{confirmed}</span>
      <ConfirmDialog
        open={open}
        title="Void this voucher?"
        confirmLabel="Void"
        danger
        onConfirm={() => {
          setConfirmed((n) => n + 1);
          setOpen(false);
        }}
        onClose={() => setOpen(false)}
      >
        It can no longer be redeemed.
      </ConfirmDialog>
    </>
  );
}

test('a confirmation does nothing on Escape or Cancel and acts once on its named button', async () => {
  const screen = await render(<Harness />);
  await screen.getByRole('button', { name: 'Void voucher' }).click();
  await expect.element(screen.getByRole('dialog', { name: 'Void this voucher?' })).toBeVisible();
  await screen.getByRole('button', { name: 'Cancel' }).click();
  await expect.element(screen.getByRole('dialog')).not.toBeInTheDocument();
  await expect.element(screen.getByTestId('confirmed')).toHaveTextContent('0');

  await screen.getByRole('button', { name: 'Void voucher' }).click();
  await screen.getByRole('button', { name: 'Void', exact: true }).click();
  await expect.element(screen.getByTestId('confirmed')).toHaveTextContent('1');
});
