/**
 * Insurance quote review in Chromium against the real stack. Support finds a driver's
 * quote by number, reads its documents (an image zoomed and rotated, a PDF drawn inline),
 * approves it with a premium and an insurer, and sends another back with a reason and a
 * comment; a read-only admin sees both and a third, pending one, but can decide none and
 * open no document (the server refuses them too); the audit log shows both decisions.
 */
import type postgres from 'postgres';
import { db, serviceClient } from '../support/stack.ts';
import { freshMsisdn } from '../support/vouchers.ts';
import { ADMIN_LOGINS, callAdminApi, signInAdmin } from './admin-session.ts';
import { expect, test } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

let sql: postgres.Sql;
/** The file's quotes: one to approve, one to send back, one left pending; each with its driver's number. */
const quotes: Record<'approve' | 'sendBack' | 'pending', { id: string; msisdn: string; name: string }> = {
  approve: { id: '', msisdn: '', name: 'Insurance Approve Driver' },
  sendBack: { id: '', msisdn: '', name: 'Insurance Sendback Driver' },
  pending: { id: '', msisdn: '', name: 'Insurance Pending Driver' },
};

/** A quote of a new driver, with a copy of a seeded quote's three documents stored under its own folder. */
async function createQuote(key: keyof typeof quotes): Promise<void> {
  const quote = quotes[key];
  quote.msisdn = freshMsisdn();
  const [user] = await sql<{ id: string }[]>`
    insert into public.users (msisdn, display_name) values (${quote.msisdn}, ${quote.name}) returning id`;
  const [row] = await sql<{ id: string }[]>`
    insert into public.insurance_quotes (user_id, metadata)
    values (${user?.id ?? null}, ${sql.json({ ocr: { owner: quote.name, plate: 'RAH 101T', confidence: 0.88 } })})
    returning id`;
  quote.id = row?.id ?? '';
  const storage = serviceClient().storage.from('docs');
  const docs: string[] = [];
  for (const [name, type] of [
    ['national-id.png', 'image/png'],
    ['previous-certificate.pdf', 'application/pdf'],
  ] as const) {
    const { data, error } = await storage.download(`f0000000-0000-4000-8000-000000000001/${name}`);
    if (error) throw error;
    const path = `${quote.id}/${name}`;
    const upload = await storage.upload(path, await data.arrayBuffer(), { contentType: type, upsert: true });
    if (upload.error) throw upload.error;
    docs.push(path);
  }
  await sql`update public.insurance_quotes set uploaded_docs = ${docs} where id = ${quote.id}`;
}

test.beforeAll(async () => {
  sql = db();
  for (const key of Object.keys(quotes) as (keyof typeof quotes)[]) await createQuote(key);
});
test.afterAll(async () => {
  await sql.end({ timeout: 2 });
});

test('support reads the documents, approves one quote and sends another back with a reason', async ({ page }) => {
  await signInAdmin(page, ADMIN_LOGINS.support);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insurance' }).click();
  await expect(page.getByRole('heading', { name: 'Insurance quotes', level: 1 })).toBeVisible();
  // Pending first, oldest submission first: the queue opens on the longest wait.
  await expect(page.getByTestId('quote-row').first()).toHaveAttribute('data-status', 'pending');

  // Found by the driver's number as they would say it (local form, spaces).
  const local = `0${quotes.approve.msisdn.slice(4, 7)} ${quotes.approve.msisdn.slice(7)}`;
  await page.getByLabel('Driver number').fill(local);
  await expect(page.getByTestId('quote-row')).toHaveCount(1);
  await expect(page.getByTestId('quote-row')).toContainText(quotes.approve.name);
  await expect(page.getByTestId('quote-wait')).toHaveText('0 min');
  await page.getByTestId('quote-row').getByRole('link', { name: quotes.approve.name }).click();

  // The documents: the image is drawn, then zoomed and rotated with the toolbar and keys.
  const stage = page.getByTestId('document-stage');
  await expect(page.getByRole('tab', { name: /national-id\.png/ })).toHaveAttribute('aria-selected', 'true');
  const image = page.getByTestId('document-image');
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const before = await image.boundingBox();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.getByTestId('document-zoom')).toHaveText('125%');
  await page.getByRole('button', { name: 'Rotate right' }).click();
  await expect(stage).toHaveAttribute('data-rotation', '90');
  // Turned a quarter and 25% larger: the box on screen is now taller than it is wide.
  await expect
    .poll(async () => {
      const box = await image.boundingBox();
      return box && before ? Math.round((box.height / before.width) * 100) : 0;
    })
    .toBe(125);
  await stage.focus();
  await page.keyboard.press('Shift+R');
  await page.keyboard.press('0');
  await expect(stage).toHaveAttribute('data-rotation', '0');
  await expect(page.getByTestId('document-zoom')).toHaveText('100%');

  // The PDF is drawn inline on a canvas, and turns too.
  await page.getByRole('tab', { name: /previous-certificate\.pdf/ }).click();
  const pdfPage = page.getByTestId('pdf-page');
  await expect(pdfPage).toHaveAttribute('data-rendered', 'true');
  const portrait = await pdfPage.boundingBox();
  expect(portrait && portrait.height > portrait.width).toBe(true);
  await page.getByRole('button', { name: 'Rotate left' }).click();
  await expect
    .poll(async () => {
      const box = await pdfPage.boundingBox();
      return box ? box.width > box.height : false;
    })
    .toBe(true);

  // The OCR snapshot beside them.
  await expect(page.getByTestId('ocr-snapshot')).toContainText('RAH 101T');
  await expect(page.getByTestId('ocr-snapshot')).toContainText('88%');

  // Approving needs a premium and an insurer.
  const approve = page.getByRole('form', { name: 'Approve' });
  await approve.getByRole('button', { name: 'Approve' }).click();
  await expect(approve.getByText('Enter the premium in RWF')).toBeVisible();
  await expect(approve.getByText('Choose the insurer')).toBeVisible();
  await approve.getByLabel('Premium (RWF)').fill('84,500');
  await approve.getByLabel('Insurer').selectOption('Radiant');
  await approve.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('quote-status')).toHaveText('Approved');
  await expect(page.getByTestId('decision-taken')).toContainText('84,500 RWF');
  await expect(page.getByTestId('decision-taken')).toContainText('Radiant');
  await expect(page.getByTestId('decision-taken')).toContainText(ADMIN_LOGINS.support);
  await expect(page.getByTestId('quote-history').locator('li[data-event="approved"]')).toContainText('84,500 RWF');
  await expect(page.getByRole('form', { name: 'Approve' })).toHaveCount(0);

  // The second quote goes back to the driver: a reason from the list and a comment.
  await page.goto(page.url().replace(quotes.approve.id, quotes.sendBack.id));
  const sendBack = page.getByRole('form', { name: 'Needs changes' });
  await sendBack.getByRole('button', { name: 'Needs changes' }).click();
  await expect(sendBack.getByText('Choose why the quote goes back')).toBeVisible();
  await sendBack.getByLabel('Reason').selectOption({ label: 'A document is blurred or unreadable' });
  await sendBack.getByRole('button', { name: 'Needs changes' }).click();
  await expect(sendBack.getByText('tell the driver what to send')).toBeVisible();
  await sendBack.getByLabel('Comment for the driver').fill('The ID photo is blurred: send a sharper one.');
  await sendBack.getByRole('button', { name: 'Needs changes' }).click();
  await expect(page.getByTestId('quote-status')).toHaveText('Needs changes');
  await expect(page.getByTestId('decision-taken')).toContainText('A document is blurred or unreadable');
  await expect(page.getByTestId('decision-taken')).toContainText('The ID photo is blurred');
  await expect(page.getByTestId('quote-history').locator('li[data-event="sent_back"]')).toBeVisible();

  // What the database holds.
  const rows = await sql<
    { id: string; status: string; premium: string | null; insurer: string | null; change_reason: string | null }[]
  >`
    select id, status, premium::text as premium, insurer, change_reason from public.insurance_quotes
     where id in (${quotes.approve.id}, ${quotes.sendBack.id}) order by status`;
  expect(
    rows.map(({ id, ...rest }) => ({ quote: id === quotes.approve.id ? 'approve' : 'sendBack', ...rest })),
  ).toEqual([
    { quote: 'approve', status: 'approved', premium: '84500.00', insurer: 'Radiant', change_reason: null },
    { quote: 'sendBack', status: 'needs_changes', premium: null, insurer: null, change_reason: 'document_unreadable' },
  ]);
});

test('a read-only admin sees the quotes and their decisions but can decide none and open no document', async ({
  page,
}) => {
  await signInAdmin(page, ADMIN_LOGINS.readonly, '/insurance');
  for (const key of ['approve', 'sendBack', 'pending'] as const) {
    await page.getByLabel('Driver number').fill(quotes[key].msisdn);
    await expect(page.getByTestId('quote-row')).toHaveCount(1);
    await expect(page.getByTestId('quote-row')).toContainText(quotes[key].name);
  }

  // The decided quotes show their decisions; no form anywhere, no documents.
  await page.getByTestId('quote-row').getByRole('link').click(); // the pending one, found last
  await expect(page.getByTestId('quote-status')).toHaveText('Pending');
  await expect(page.getByTestId('decision-readonly')).toContainText('Your role can read quotes but not decide them');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Needs changes' })).toHaveCount(0);
  await expect(page.getByTestId('documents-hidden')).toContainText('2 documents uploaded');
  await expect(page.getByTestId('document-viewer')).toHaveCount(0);
  await expect(page.getByTestId('ocr-snapshot')).toContainText('RAH 101T');

  await page.goto(page.url().replace(quotes.pending.id, quotes.approve.id));
  await expect(page.getByTestId('decision-taken')).toContainText('84,500 RWF');
  await page.goto(page.url().replace(quotes.approve.id, quotes.sendBack.id));
  await expect(page.getByTestId('decision-taken')).toContainText('A document is blurred or unreadable');
  await expect(page.getByTestId('documents-hidden')).toBeVisible();

  // The server refuses what the panel hides: deciding, and reading documents.
  const approve = await callAdminApi(page, 'POST', `insurance-quotes/${quotes.pending.id}/approve`, {
    premium: 50000,
    insurer: 'Radiant',
  });
  expect(approve.status).toBe(403);
  const sendBack = await callAdminApi(page, 'POST', `insurance-quotes/${quotes.pending.id}/request-changes`, {
    reason: 'other',
    comment: 'Read-only admins may not decide.',
  });
  expect(sendBack.status).toBe(403);
  const detail = await callAdminApi(page, 'GET', `insurance-quotes/${quotes.pending.id}`);
  expect(detail.body.documents).toBeNull();
  const [row] = await sql<
    { status: string }[]
  >`select status from public.insurance_quotes where id = ${quotes.pending.id}`;
  expect(row?.status).toBe('pending');
});

test('the audit log shows both decisions with their diffs', async ({ page }) => {
  await signInAdmin(page, ADMIN_LOGINS.super_admin, `/insurance/${quotes.approve.id}`);
  await page.getByRole('link', { name: 'This quote in the audit log' }).click();
  await expect(page).toHaveURL(/table=insurance_quotes/);
  const approval = page.getByTestId('audit-entry').filter({ hasText: ADMIN_LOGINS.support }).first();
  await expect(approval).toContainText('Changed');
  const button = approval.getByRole('button', { name: 'Show changes' });
  const diffId = await button.getAttribute('aria-controls');
  await button.click();
  const diff = page.locator(`[id="${diffId}"]`).getByTestId('diff');
  await expect(diff.locator('[data-path="status"]').getByRole('deletion')).toContainText('pending');
  await expect(diff.locator('[data-path="status"]').getByRole('insertion')).toContainText('approved');
  await expect(diff.locator('[data-path="insurer"]').getByRole('insertion')).toContainText('Radiant');

  await page.goto(page.url().replace(quotes.approve.id, quotes.sendBack.id));
  const sentBack = page.getByTestId('audit-entry').filter({ hasText: ADMIN_LOGINS.support }).first();
  const sentBackButton = sentBack.getByRole('button', { name: 'Show changes' });
  const sentBackId = await sentBackButton.getAttribute('aria-controls');
  await sentBackButton.click();
  const sentBackDiff = page.locator(`[id="${sentBackId}"]`).getByTestId('diff');
  await expect(sentBackDiff.locator('[data-path="status"]').getByRole('insertion')).toContainText('needs_changes');
  await expect(sentBackDiff.locator('[data-path="change_reason"]').getByRole('insertion')).toContainText(
    'document_unreadable',
  );
});
