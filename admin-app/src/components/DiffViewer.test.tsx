import { expect, test } from 'vitest';
import { render } from 'vitest-browser-react';
import { DiffViewer } from './DiffViewer.tsx';

test('a changed field shows its value before → after', async () => {
  const screen = await render(<DiffViewer before={{ status: 'issued' }} after={{ status: 'void' }} />);
  const row = screen.getByTestId('diff-changed');
  await expect.element(row).toHaveAttribute('data-path', 'status');
  await expect.element(row.getByRole('deletion')).toHaveTextContent('issued');
  await expect.element(row.getByRole('insertion')).toHaveTextContent('void');
  await expect.element(row).toHaveTextContent(/issued\s*→\s*after: void/);
  await expect.element(screen.getByText('1 changed')).toBeVisible();
});

test('added and removed keys are marked as such', async () => {
  const screen = await render(
    <DiffViewer
      before={{ amount: 5000, voided_reason: 'typo' }}
      after={{ amount: 5000, void_at: '2026-11-24T10:00:00Z' }}
    />,
  );
  const added = screen.getByTestId('diff-added');
  await expect.element(added).toHaveAttribute('data-path', 'void_at');
  await expect.element(added).toHaveTextContent('added');
  await expect.element(added.getByRole('insertion')).toHaveTextContent('2026-11-24T10:00:00Z');
  const removed = screen.getByTestId('diff-removed');
  await expect.element(removed).toHaveAttribute('data-path', 'voided_reason');
  await expect.element(removed.getByRole('deletion')).toHaveTextContent('typo');
  await expect.element(screen.getByText('1 added, 1 removed')).toBeVisible();
});

test('nested objects are compared field by field and shown by their path', async () => {
  const screen = await render(
    <DiffViewer
      before={{ value: { rw: { start: '22:00', end: '06:00' }, mt: { start: '22:00', end: '08:00' } } }}
      after={{
        value: {
          rw: { start: '21:30', end: '06:00' },
          mt: { start: '22:00', end: '08:00' },
          ke: { start: '23:00', end: '05:00' },
        },
      }}
    />,
  );
  const changed = screen.getByTestId('diff-changed');
  await expect.element(changed).toHaveAttribute('data-path', 'value.rw.start');
  await expect.element(changed.getByRole('deletion')).toHaveTextContent('22:00');
  await expect.element(changed.getByRole('insertion')).toHaveTextContent('21:30');
  // A new nested object is readable JSON, not "[object Object]".
  const added = screen.getByTestId('diff-added');
  await expect.element(added).toHaveAttribute('data-path', 'value.ke');
  await expect.element(added).toHaveTextContent('"start": "23:00"');
  await expect.element(added).not.toHaveTextContent('[object Object]');
});

test('unchanged fields are collapsed until opened', async () => {
  const screen = await render(
    <DiffViewer
      before={{ name: 'Kacyiru', status: 'active', code: 'ENG-1' }}
      after={{ name: 'Kacyiru', status: 'inactive', code: 'ENG-1' }}
    />,
  );
  const toggle = screen.getByText('2 unchanged fields');
  await expect.element(toggle).toBeVisible();
  const unchanged = screen.getByTestId('diff-unchanged');
  await expect.element(unchanged.first()).not.toBeVisible();
  await toggle.click();
  await expect.element(unchanged.first()).toBeVisible();
  await expect.element(unchanged.first()).toHaveAttribute('data-path', 'name');
  await expect.element(unchanged.nth(1)).toHaveAttribute('data-path', 'code');
});

test('an insert (before null) lists every field as added', async () => {
  const screen = await render(
    <DiffViewer
      before={null}
      after={{ id: 'a1', status: 'issued', location: { latitude: -1.95, longitude: 30.06 } }}
    />,
  );
  await expect.element(screen.getByText('Created with 3 fields')).toBeVisible();
  await expect.element(screen.getByTestId('diff-added').nth(2)).toHaveAttribute('data-path', 'location');
  await expect.element(screen.getByTestId('diff-added').nth(2)).toHaveTextContent('"latitude": -1.95');
  await expect.element(screen.getByTestId('diff-removed')).not.toBeInTheDocument();
  await expect.element(screen.getByTestId('diff-changed')).not.toBeInTheDocument();
});

test('a delete (after null) lists every field as removed', async () => {
  const screen = await render(<DiffViewer before={{ user_id: 'u1', active: true, roles: ['support'] }} after={null} />);
  await expect.element(screen.getByText('Deleted; it held 3 fields')).toBeVisible();
  const removed = screen.getByTestId('diff-removed');
  await expect.element(removed.nth(1)).toHaveAttribute('data-path', 'active');
  await expect.element(removed.nth(1).getByRole('deletion')).toHaveTextContent('true');
  await expect.element(removed.nth(2)).toHaveTextContent('"support"');
  await expect.element(screen.getByTestId('diff-added')).not.toBeInTheDocument();
});

test('a null turned into a value is a change, not an addition', async () => {
  const screen = await render(
    <DiffViewer before={{ location: null }} after={{ location: { latitude: 1, longitude: 2 } }} />,
  );
  const changed = screen.getByTestId('diff-changed');
  await expect.element(changed.getByRole('deletion')).toHaveTextContent('null');
  await expect.element(changed.getByRole('insertion')).toHaveTextContent('"longitude": 2');
});

test('lists of records are matched by id; lists of plain values by what left and arrived', async () => {
  const welcome = { id: 'welcome', body: 'Hello {{name}}' };
  const screen = await render(
    <DiffViewer
      before={{ templates: [welcome, { id: 'promo', body: 'Old' }], hashes: ['a1', 'b2'] }}
      after={{ templates: [{ id: 'promo', body: 'New' }, welcome, { id: 'extra', body: 'Hi' }], hashes: ['b2', 'c3'] }}
    />,
  );
  // Moving "welcome" is not a change; "promo" changed one field; "extra" arrived.
  const changed = screen.getByTestId('diff-changed');
  await expect.element(changed).toHaveAttribute('data-path', 'templates[promo].body');
  await expect.element(changed.getByRole('insertion')).toHaveTextContent('New');
  await expect.element(screen.getByTestId('diff-added').first()).toHaveAttribute('data-path', 'templates[extra]');
  // One hash left, one arrived; the one kept is not listed.
  await expect.element(screen.getByTestId('diff-removed')).toHaveAttribute('data-path', 'hashes[0]');
  await expect.element(screen.getByTestId('diff-removed')).toHaveTextContent('a1');
  await expect.element(screen.getByTestId('diff-added').nth(1)).toHaveAttribute('data-path', 'hashes[1]');
  await expect.element(screen.getByTestId('diff-added').nth(1)).toHaveTextContent('c3');
  await expect.element(screen.getByText('1 changed, 2 added, 1 removed')).toBeVisible();
});
