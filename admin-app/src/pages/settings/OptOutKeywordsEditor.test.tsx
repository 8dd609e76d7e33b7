import type { TOptOutKeywordsSetting } from '@easymo/contracts';
import { expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { OptOutKeywordsEditor } from './OptOutKeywordsEditor.tsx';

const SEEDED: TOptOutKeywordsSetting = { stop: ['STOP', 'HAGARIKA'], resume: ['START'] };

async function setup(serverErrors: Record<string, string> = {}) {
  const onSave = vi.fn<(value: TOptOutKeywordsSetting) => void>();
  const screen = await render(
    <OptOutKeywordsEditor value={SEEDED} readOnly={false} saving={false} serverErrors={serverErrors} onSave={onSave} />,
  );
  return { screen, onSave };
}

test('words are separated by commas or spaces and saved in upper case', async () => {
  const { screen, onSave } = await setup();
  const save = screen.getByRole('button', { name: 'Save keywords' });
  await expect.element(save).toBeDisabled();

  await screen.getByLabelText('Stop words').fill('stop, hagarika  arret\nquit');
  await expect.element(screen.getByTestId('keywords-stop')).toHaveTextContent('STOPHAGARIKAARRETQUIT');
  await save.click();
  expect(onSave).toHaveBeenCalledExactlyOnceWith({ stop: ['STOP', 'HAGARIKA', 'ARRET', 'QUIT'], resume: ['START'] });
});

test('a word in both lists, a phrase or an empty stop list is refused before saving', async () => {
  const { screen, onSave } = await setup();
  const stop = screen.getByLabelText('Stop words');
  const resume = screen.getByLabelText('Resume words');
  const save = screen.getByRole('button', { name: 'Save keywords' });

  await resume.fill('START, stop');
  await expect.element(screen.getByText('a word cannot both stop and resume: STOP')).toBeVisible();
  await expect.element(resume).toHaveAttribute('aria-invalid', 'true');
  await save.click();
  expect(onSave).not.toHaveBeenCalled();
  await expect.element(resume).toHaveFocus();

  await resume.fill('START');
  await stop.fill('STOP, x');
  await expect.element(screen.getByText('X: 2 to 20 letters or digits, one word')).toBeVisible();
  await stop.fill('');
  await expect.element(stop).toHaveAttribute('aria-invalid', 'true');
  await save.click();
  expect(onSave).not.toHaveBeenCalled();

  await stop.fill('STOP');
  await save.click();
  expect(onSave).toHaveBeenCalledExactlyOnceWith({ stop: ['STOP'], resume: ['START'] });
});

test("the server's message shows under its list", async () => {
  const { screen } = await setup({ 'stop.1': 'not allowed' });
  await expect.element(screen.getByText('HAGARIKA: not allowed')).toBeVisible();
});
