/**
 * Bulk issue from a CSV file (or pasted rows): the server checks the whole file first
 * (dry run) and the preview lists every problem; only a clean file can start the job,
 * whose progress is then followed here. The job's id is in the URL (`bulk=<id>`), so a
 * reload or a closed window loses nothing.
 */
import { ApiError } from '@easymo/client';
import { ZBulkDryRunResponse, type TBulkDryRunResponse } from '@easymo/contracts';
import { useState, type ChangeEvent } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import {
  useVouchersBulkCheckMutation,
  useVouchersBulkIssueMutation,
} from '../../data/vouchers/vouchers-bulk-mutation.ts';
import { errorMessage, fieldErrors } from '../../lib/errors.ts';
import { BulkJobProgress } from './BulkJobProgress.tsx';
import { goodRowTotals } from './bulk-csv.ts';
import { CsvPreview } from './CsvPreview.tsx';
import { isUuid } from './url.ts';

interface Checked {
  csv: string;
  source: string;
  result: TBulkDryRunResponse;
}

export function BulkIssueDialog({
  open,
  jobId,
  onClose,
  onStarted,
  onAnother,
}: {
  open: boolean;
  /** The job to follow, or null to choose a file. */
  jobId: string | null;
  onClose: () => void;
  onStarted: (jobId: string) => void;
  onAnother: () => void;
}) {
  return (
    <>
      <Dialog title="Issue vouchers from a CSV file" open={open} wide onClose={onClose}>
        {jobId ? (
          <>
            <div className="dialog-body">
              <BulkJobProgress jobId={jobId} />
            </div>
            <footer className="dialog-actions">
              <button type="button" className="secondary" onClick={onAnother}>
                Issue another file
              </button>
              <button type="button" onClick={onClose}>
                Back to the list
              </button>
            </footer>
          </>
        ) : (
          <BulkChooser onStarted={onStarted} />
        )}
      </Dialog>
    </>
  );
}

function BulkChooser({ onStarted }: { onStarted: (jobId: string) => void }) {
  const toast = useToast();
  const check = useVouchersBulkCheckMutation();
  const issue = useVouchersBulkIssueMutation();
  const [pasted, setPasted] = useState('');
  const [send, setSend] = useState(true);
  const [campaign, setCampaign] = useState('');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const campaignId = campaign.trim();
  const campaignError = campaignId && !isUuid(campaignId) ? 'not a campaign id (a UUID)' : undefined;
  const options = { send, campaign_id: campaignId && !campaignError ? campaignId : null };

  function runCheck(csv: string, source: string) {
    setChecked(null);
    setProblem(null);
    if (!csv.trim()) {
      setProblem(`${source} is empty.`);
      return;
    }
    check.mutate(
      { csv, options },
      {
        onSuccess: (result) => setChecked({ csv, source, result }),
        onError: (error) => setProblem(errorMessage(error)),
      },
    );
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared, so choosing the same (fixed) file again is a change and is checked again.
    input.value = '';
    if (!file) return;
    runCheck(await file.text(), `The file ${file.name}`);
  }

  function start() {
    if (!checked) return;
    if (campaignError) {
      setProblem('Fix the campaign id first (or leave it empty).');
      return;
    }
    setProblem(null);
    issue.mutate(
      { csv: checked.csv, options },
      {
        onSuccess: (job) => {
          toast.show('info', `Bulk issue started: ${job.total} ${job.total === 1 ? 'voucher' : 'vouchers'}`);
          onStarted(job.id);
        },
        onError: (error) => {
          // The server checks the file again; a refusal lists the rows as the dry run does.
          const details = error instanceof ApiError ? (error.details as { errors?: unknown } | undefined) : undefined;
          const rows = ZBulkDryRunResponse.shape.errors.safeParse(details?.errors);
          if (rows.success && rows.data.length > 0) {
            const valid = Math.max(0, checked.result.rows - new Set(rows.data.map((row) => row.line)).size);
            setChecked({ ...checked, result: { ...checked.result, valid, errors: rows.data } });
          }
          setProblem(fieldErrors(error).campaign_id ?? errorMessage(error));
        },
      },
    );
  }

  return (
    <div className="dialog-body bulk-chooser">
      <p className="muted">
        A header row, then one voucher per row. Columns: <code>msisdn</code>, <code>amount</code> (RWF) and optionally{' '}
        <code>currency</code>, <code>expires_at</code> (YYYY-MM-DD: the end of that day in Kigali), <code>station</code>{' '}
        (ENGEN code), <code>name</code>, <code>note</code>. At most 10,000 rows.
      </p>
      <label>
        Choose a CSV file
        <input type="file" accept=".csv,text/csv,text/plain" onChange={(event) => void onFile(event)} />
      </label>
      <details>
        <summary>Or paste the rows</summary>
        <label>
          Rows (CSV)
          <textarea
            rows={6}
            value={pasted}
            spellCheck={false}
            placeholder={'msisdn,amount\n+250788123456,5000'}
            onChange={(event) => setPasted(event.target.value)}
          />
        </label>
        <button type="button" className="secondary" onClick={() => runCheck(pasted, 'The pasted text')}>
          Check the rows
        </button>
      </details>
      <div className="bulk-options">
        <label className="checkbox">
          <input type="checkbox" checked={send} onChange={(event) => setSend(event.target.checked)} />
          Send the cards on WhatsApp
        </label>
        <label>
          Campaign id <span className="muted">(optional)</span>
          <input
            value={campaign}
            onChange={(event) => setCampaign(event.target.value)}
            aria-invalid={campaignError ? true : undefined}
            aria-describedby={campaignError ? 'bulk-campaign-error' : undefined}
          />
          {campaignError && (
            <span className="field-error" id="bulk-campaign-error">
              {campaignError}
            </span>
          )}
        </label>
      </div>

      {check.isPending && (
        <p className="muted loading" aria-busy="true">
          Checking every row…
        </p>
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {checked && (
        <>
          <p className="muted" data-testid="csv-source">
            {checked.source}
          </p>
          <CsvPreview
            result={checked.result}
            totals={goodRowTotals(checked.csv, checked.result.errors, checked.result.valid)}
            issuing={issue.isPending}
            onIssue={start}
          />
        </>
      )}
    </div>
  );
}
