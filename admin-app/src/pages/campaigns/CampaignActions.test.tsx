import type { TCampaignAction } from '@easymo/contracts';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '@easymo/domain';
import { expect, test, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { allowedActions } from './campaign-actions.ts';
import { CampaignActions, type ActionsCampaign } from './CampaignActions.tsx';

const campaign = (status: CampaignStatus, pending: number | null = 40, targets = 50): ActionsCampaign => ({
  name: 'November promo',
  status,
  targets,
  pending,
});

async function setup(c: ActionsCampaign, canRun = true) {
  const onAction = vi.fn<(action: TCampaignAction) => Promise<unknown>>(() => Promise.resolve());
  const screen = await render(<CampaignActions campaign={c} canRun={canRun} busy={null} onAction={onAction} />);
  return { screen, onAction };
}

test('each status offers exactly the moves the campaign machine allows', async () => {
  expect(Object.fromEntries(CAMPAIGN_STATUSES.map((s) => [s, allowedActions(s)]))).toEqual({
    draft: ['start'],
    running: ['pause', 'finish'],
    // The machine has no paused → done: a paused campaign is resumed before it is finished.
    paused: ['resume'],
    done: [],
  });
  const expected: Record<CampaignStatus, string[]> = {
    draft: ['Start'],
    running: ['Pause', 'Finish'],
    paused: ['Resume'],
    done: [],
  };
  for (const status of CAMPAIGN_STATUSES) {
    const { screen } = await setup(campaign(status));
    const buttons = screen.getByRole('button').elements();
    expect(
      buttons.map((b) => b.textContent),
      status,
    ).toEqual(expected[status]);
    await screen.unmount();
  }
});

test('a role that does not run campaigns gets no actions at all', async () => {
  for (const status of CAMPAIGN_STATUSES) {
    const { screen } = await setup(campaign(status), false);
    expect(screen.getByRole('button').elements()).toHaveLength(0);
    expect(screen.getByRole('group', { name: 'Campaign actions' }).elements()).toHaveLength(0);
    await screen.unmount();
  }
});

test('Start asks first, naming how many targets will be messaged; Cancel sends nothing', async () => {
  const { screen, onAction } = await setup(campaign('draft', 1234));
  await screen.getByRole('button', { name: 'Start' }).click();
  const dialog = screen.getByRole('dialog', { name: 'Start November promo?' });
  await expect.element(dialog).toHaveTextContent('Messages go out to 1,234 targets');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect.element(screen.getByRole('dialog')).not.toBeInTheDocument();
  expect(onAction).not.toHaveBeenCalled();

  await screen.getByRole('button', { name: 'Start' }).click();
  await screen.getByRole('button', { name: 'Start sending' }).click();
  expect(onAction).toHaveBeenCalledExactlyOnceWith('start');
  await expect.element(screen.getByRole('dialog')).not.toBeInTheDocument();
});

test('Finish asks first and says how many targets will never be sent; Pause acts at once', async () => {
  const { screen, onAction } = await setup(campaign('running', 17));
  await screen.getByRole('button', { name: 'Pause' }).click();
  expect(onAction).toHaveBeenCalledExactlyOnceWith('pause');

  await screen.getByRole('button', { name: 'Finish' }).click();
  const dialog = screen.getByRole('dialog', { name: 'Finish November promo?' });
  await expect.element(dialog).toHaveTextContent('17 targets have not been sent yet and will never be sent.');
  await dialog.getByRole('button', { name: 'Finish campaign' }).click();
  expect(onAction).toHaveBeenCalledTimes(2);
  expect(onAction).toHaveBeenLastCalledWith('finish');
});

test('a draft with nothing waiting to be sent cannot be started, and says why', async () => {
  const { screen, onAction } = await setup(campaign('draft', 0, 0));
  const start = screen.getByRole('button', { name: 'Start' });
  await expect.element(start).toBeDisabled();
  await expect.element(start).toHaveAccessibleDescription('Import targets before starting.');
  await start.click({ force: true });
  expect(onAction).not.toHaveBeenCalled();

  await screen.rerender(<CampaignActions campaign={campaign('draft', 0, 3)} canRun busy={null} onAction={onAction} />);
  // Three targets, all opted out: none to send.
  await expect.element(start).toHaveAccessibleDescription('No target is waiting to be sent.');
});

test('while a move is under way every button waits', async () => {
  const onAction = vi.fn(() => Promise.resolve());
  const screen = await render(
    <CampaignActions campaign={campaign('running')} canRun busy="pause" onAction={onAction} />,
  );
  await expect.element(screen.getByRole('button', { name: 'Pause…' })).toBeDisabled();
  await expect.element(screen.getByRole('button', { name: 'Finish' })).toBeDisabled();
});
