import { ZQuietHoursSetting, type TQuietHoursSetting } from '@easymo/contracts';
import { expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { QuietHoursEditor } from './QuietHoursEditor.tsx';

const SEEDED: TQuietHoursSetting = { rw: { start: '22:00', end: '06:00' }, mt: { start: '22:00', end: '08:00' } };

async function setup(value: TQuietHoursSetting = SEEDED) {
  const onSave = vi.fn<(value: TQuietHoursSetting) => void>();
  const screen = await render(<QuietHoursEditor value={value} onSave={onSave} />);
  return { screen, onSave, row: (name: string) => screen.getByRole('group', { name }) };
}

test('a window across midnight is accepted and explained as overnight', async () => {
  const { screen, onSave, row } = await setup({ rw: { start: '08:00', end: '12:00' } });
  const rwanda = row('Rwanda');
  await expect.element(rwanda.getByTestId('quiet-hint')).toHaveTextContent('08:00 → 12:00: quiet the same day');

  await rwanda.getByLabelText('Start').fill('21:30');
  await rwanda.getByLabelText('End').fill('05:45');
  await expect
    .element(rwanda.getByTestId('quiet-hint'))
    .toHaveTextContent('21:30 → 05:45 crosses midnight: quiet overnight');

  await screen.getByRole('button', { name: 'Save quiet hours' }).click();
  expect(onSave).toHaveBeenCalledExactlyOnceWith({ rw: { start: '21:30', end: '05:45' } });
});

test('an impossible time such as 25:00 shows an error on its row and blocks saving', async () => {
  const { screen, onSave, row } = await setup();
  const rwanda = row('Rwanda');
  await rwanda.getByLabelText('Start').fill('25:00');
  await screen.getByRole('button', { name: 'Save quiet hours' }).click();

  await expect.element(rwanda.getByText(/Start: a time as HH:MM, 00:00 to 23:59/)).toBeVisible();
  await expect.element(rwanda.getByLabelText('Start')).toHaveAttribute('aria-invalid', 'true');
  await expect.element(rwanda.getByTestId('quiet-hint')).not.toBeInTheDocument();
  // The other row is fine and keeps its hint.
  await expect.element(row('Malta').getByTestId('quiet-hint')).toBeVisible();
  await expect.element(screen.getByRole('alert')).toHaveTextContent('Fix the highlighted row before saving.');
  expect(onSave).not.toHaveBeenCalled();

  // Correcting it lets the save through.
  await rwanda.getByLabelText('Start').fill('23:00');
  await expect.element(rwanda.getByText(/Start:/)).not.toBeInTheDocument();
  await screen.getByRole('button', { name: 'Save quiet hours' }).click();
  expect(onSave).toHaveBeenCalledOnce();
});

test('a window whose start equals its end is refused', async () => {
  const { screen, onSave, row } = await setup();
  const malta = row('Malta');
  await malta.getByLabelText('End').fill('22:00');
  await screen.getByRole('button', { name: 'Save quiet hours' }).click();
  await expect.element(malta.getByText(/End: start and end must differ/)).toBeVisible();
  await expect.element(malta.getByLabelText('End')).toHaveAttribute('aria-invalid', 'true');
  expect(onSave).not.toHaveBeenCalled();
});

test('a country can be added from the known list and another removed', async () => {
  const { screen, onSave, row } = await setup();
  const picker = screen.getByRole('combobox', { name: 'Country to add' });
  // Countries already present are not offered again.
  await expect.element(picker.getByRole('option', { name: /Rwanda/ })).not.toBeInTheDocument();
  await picker.selectOptions('ke');
  await screen.getByRole('button', { name: 'Add country' }).click();

  const kenya = row('Kenya');
  await expect.element(kenya).toBeVisible();
  await expect.element(kenya.getByLabelText('Start')).toHaveValue('22:00');
  await kenya.getByLabelText('End').fill('05:00');
  await expect.element(picker.getByRole('option', { name: /Kenya/ })).not.toBeInTheDocument();

  await screen.getByRole('button', { name: 'Remove Malta' }).click();
  await expect.element(row('Malta')).not.toBeInTheDocument();

  await screen.getByRole('button', { name: 'Save quiet hours' }).click();
  expect(onSave).toHaveBeenCalledExactlyOnceWith({
    rw: { start: '22:00', end: '06:00' },
    ke: { start: '22:00', end: '05:00' },
  });
});

test('the saved value is exactly what the schema expects', async () => {
  const { screen, onSave, row } = await setup();
  await row('Rwanda').getByLabelText('Start').fill(' 21:00 ');
  await screen.getByRole('combobox', { name: 'Country to add' }).selectOptions('ug');
  await screen.getByRole('button', { name: 'Add country' }).click();
  await screen.getByRole('button', { name: 'Save quiet hours' }).click();

  const saved = onSave.mock.calls[0]?.[0];
  expect(saved).toEqual({
    rw: { start: '21:00', end: '06:00' },
    mt: { start: '22:00', end: '08:00' },
    ug: { start: '22:00', end: '06:00' },
  });
  // What the server will check (PUT admin/settings/quiet_hours) takes it unchanged.
  expect(ZQuietHoursSetting.parse(saved)).toEqual(saved);
});

test('read-only: values are shown but nothing can be changed or saved', async () => {
  const screen = await render(<QuietHoursEditor value={SEEDED} readOnly onSave={() => undefined} />);
  await expect.element(screen.getByRole('group', { name: 'Rwanda' }).getByLabelText('Start')).toBeDisabled();
  await expect.element(screen.getByRole('button', { name: 'Save quiet hours' })).not.toBeInTheDocument();
  await expect.element(screen.getByRole('button', { name: 'Remove Rwanda' })).not.toBeInTheDocument();
});

test('nothing to save until something changes, whatever order the stored value lists its keys in', async () => {
  // As the server sends it: jsonb orders keys by length, so "end" comes before "start".
  const stored = JSON.parse('{"mt": {"end": "08:00", "start": "22:00"}, "rw": {"end": "06:00", "start": "22:00"}}');
  const screen = await render(<QuietHoursEditor value={stored} onSave={() => undefined} />);
  const save = screen.getByRole('button', { name: 'Save quiet hours' });
  await expect.element(save).toBeDisabled();
  await screen.getByRole('group', { name: 'Malta' }).getByLabelText('End').fill('07:00');
  await expect.element(save).toBeEnabled();
  await screen.getByRole('group', { name: 'Malta' }).getByLabelText('End').fill('08:00');
  await expect.element(save).toBeDisabled();
});
