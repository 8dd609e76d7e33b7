/**
 * Importing targets from a CSV file: the file is checked first (a dry run that stores
 * nothing) and the preview shows what would be imported and every rejected row; Import
 * then stores the accepted rows, and the answer says what was stored and what was left out.
 */
import { COUNTRIES } from '@easymo/domain';
import type { TImportTargetsResponse } from '@easymo/contracts';
import { useState, type ChangeEvent } from 'react';
import { Dialog } from '../../components/Dialog.tsx';
import { useToast } from '../../components/Toaster.tsx';
import {
  useCampaignTargetsCheckMutation,
  useCampaignTargetsImportMutation,
} from '../../data/campaigns/campaign-targets-import-mutation.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { countryName } from '../settings/QuietHoursEditor.tsx';
import { TargetsImportPreview } from './TargetsImportPreview.tsx';

interface Props {
  campaignId: string;
  /** The CSV columns besides the number: the template's variables the campaign does not fill in itself. */
  columns: string[];
  onClose: () => void;
}

export function TargetsImportDialog({ open, ...props }: Props & { open: boolean }) {
  return (
    <Dialog title="Import targets" open={open} wide onClose={props.onClose}>
      <TargetsImporter {...props} />
    </Dialog>
  );
}

interface Checked {
  csv: string;
  source: string;
  result: TImportTargetsResponse;
}

function TargetsImporter({ campaignId, columns, onClose }: Props) {
  const toast = useToast();
  const check = useCampaignTargetsCheckMutation();
  const store = useCampaignTargetsImportMutation();
  const [country, setCountry] = useState('RW');
  const [checked, setChecked] = useState<Checked | null>(null);
  const [imported, setImported] = useState<TImportTargetsResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    // Cleared, so choosing the same (fixed) file again is a change and is checked again.
    input.value = '';
    if (!file) return;
    setChecked(null);
    setImported(null);
    setProblem(null);
    const csv = await file.text();
    if (!csv.trim()) {
      setProblem(`The file ${file.name} is empty.`);
      return;
    }
    check.mutate(
      { id: campaignId, csv, defaultCountry: country },
      {
        onSuccess: (result) => setChecked({ csv, source: `The file ${file.name}`, result }),
        onError: (error) => setProblem(errorMessage(error)),
      },
    );
  }

  function runImport() {
    if (!checked) return;
    setProblem(null);
    store.mutate(
      { id: campaignId, csv: checked.csv, defaultCountry: country },
      {
        onSuccess: (result) => {
          if (result.problem) {
            // The file was checked again on import and something changed in between.
            setChecked({ ...checked, result });
            return;
          }
          setImported(result);
          toast.show(
            'success',
            `${formatCount(result.accepted)} ${result.accepted === 1 ? 'target' : 'targets'} imported` +
              (result.rejected.length > 0 ? `; ${formatCount(result.rejected.length)} rejected rows left out` : ''),
          );
        },
        onError: (error) => setProblem(errorMessage(error)),
      },
    );
  }

  return (
    <div className="dialog-body bulk-chooser">
      <p className="muted">
        A header row, then one target per row. Columns: <code>msisdn</code> (or <code>phone</code>)
        {columns.map((column) => (
          <span key={column}>
            , <code>{column}</code>
          </span>
        ))}
        . Other columns are ignored. Bad rows are rejected and listed; the good ones are imported. Numbers that opted
        out are kept as opted out and never messaged.
      </p>
      {imported ? (
        <>
          <TargetsImportPreview result={imported} />
          <footer className="dialog-actions">
            <button type="button" className="secondary" onClick={() => setImported(null)}>
              Import another file
            </button>
            <button type="button" onClick={onClose}>
              Done
            </button>
          </footer>
        </>
      ) : (
        <>
          <div className="bulk-options">
            <label>
              Local numbers (0788…) are in
              <select
                value={country}
                onChange={(event) => {
                  setCountry(event.target.value);
                  // The check read local numbers in the other country: choose the file again.
                  setChecked(null);
                }}
              >
                {Object.values(COUNTRIES).map((c) => (
                  <option key={c.code} value={c.code}>
                    {countryName(c.code)} (+{c.callingCode})
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label>
            Choose a CSV file
            <input
              type="file"
              accept=".csv,text/csv,text/plain"
              disabled={check.isPending || store.isPending}
              onChange={(event) => void onFile(event)}
            />
          </label>
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
              <TargetsImportPreview result={checked.result} importing={store.isPending} onImport={runImport} />
            </>
          )}
        </>
      )}
    </div>
  );
}
