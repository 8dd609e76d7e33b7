/**
 * Campaigns: every campaign with its status and progress, filtered by status and name
 * (both in the URL, so a view can be shared and Back undoes a filter). Those who run
 * campaigns (super admins, support) create drafts here; a campaign opens on its own page.
 */
import type { TListCampaignsQuery } from '@easymo/contracts';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '@easymo/domain';
import { useCallback, useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { SearchBox } from '../../components/SearchBox.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useCampaignsQuery } from '../../data/campaigns/campaigns-query.ts';
import { useSettingsQuery } from '../../data/settings/settings-query.ts';
import { useStationsQuery } from '../../data/stations/stations-query.ts';
import { formatCount, formatDateTime } from '../../lib/format.ts';
import { useUrlState } from '../../lib/url-state.ts';
import { useCan } from '../../shell/access.tsx';
import { CampaignDialog } from './CampaignDialog.tsx';
import { ProgressBar } from './CampaignProgress.tsx';
import { CAMPAIGN_STATUS_LABELS, CAMPAIGN_TYPE_LABELS, progressCounts } from './labels.ts';
import './campaigns.css';

const URL_KEYS = ['status', 'q'] as const;

function isStatus(value: string | undefined): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value ?? '');
}

export function CampaignsPage() {
  const [url, setUrl] = useUrlState(URL_KEYS);
  const [, navigate] = useLocation();
  const canRun = useCan('campaigns.run');
  const [creating, setCreating] = useState(false);
  const search = useCallback((q: string) => setUrl({ q }), [setUrl]);

  const query = useMemo(() => {
    const out: TListCampaignsQuery = {};
    if (isStatus(url.status)) out.status = url.status;
    const q = url.q?.trim().slice(0, 120);
    if (q) out.q = q;
    return out;
  }, [url]);
  const campaigns = useCampaignsQuery(query);
  const settings = useSettingsQuery();
  const templates = settings.data?.templates ?? [];
  const templateNames = new Map(templates.map((t) => [t.id, t.name]));
  const stationList = useStationsQuery({ status: 'active' });
  const filtered = query.status !== undefined || query.q !== undefined;
  const items = campaigns.data?.items ?? [];

  return (
    <div className="page campaigns-page">
      <header className="page-head">
        <h1>Campaigns</h1>
        {campaigns.data && (
          <span className="muted" data-testid="campaigns-count">
            {formatCount(items.length)} {items.length === 1 ? 'campaign' : 'campaigns'}
          </span>
        )}
        {canRun && (
          <div className="actions">
            <button type="button" onClick={() => setCreating(true)}>
              New campaign
            </button>
          </div>
        )}
      </header>

      <form
        className="filters card"
        role="search"
        aria-label="Filter campaigns"
        onSubmit={(event) => event.preventDefault()}
      >
        <SearchBox label="Name" placeholder="Part of the name" value={url.q ?? ''} onChange={search} />
        <label>
          Status
          <select value={url.status ?? ''} onChange={(event) => setUrl({ status: event.target.value })}>
            <option value="">All</option>
            {CAMPAIGN_STATUSES.map((status) => (
              <option key={status} value={status}>
                {CAMPAIGN_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="link" onClick={() => setUrl({ status: undefined, q: undefined })}>
            Clear filters
          </button>
        )}
      </form>

      {campaigns.isPending ? (
        <Loading label="Loading campaigns…" />
      ) : campaigns.isError ? (
        <ErrorNotice error={campaigns.error} onRetry={() => void campaigns.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filtered ? 'No campaign matches' : 'No campaigns yet'}>
          {filtered
            ? 'Try another name, or clear the status filter.'
            : canRun
              ? 'Create one with New campaign, then import its targets.'
              : null}
        </EmptyState>
      ) : (
        <section className="card table-card" aria-label="Campaigns" aria-busy={campaigns.isFetching}>
          <div className="table-scroll">
            <table className="table campaigns-table" data-testid="campaigns-table">
              <caption className="visually-hidden">Campaigns, newest first. Open one to see it.</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Template</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const counts = c.progress ? progressCounts(c.progress) : null;
                  return (
                    <tr
                      key={c.id}
                      className="clickable"
                      data-testid="campaign-row"
                      onClick={() => navigate(`/campaigns/${c.id}`)}
                    >
                      <td>
                        <Link href={`/campaigns/${c.id}`} className="row-link" onClick={(e) => e.stopPropagation()}>
                          {c.name}
                        </Link>
                      </td>
                      <td>{CAMPAIGN_TYPE_LABELS[c.type]}</td>
                      <td>{templateNames.get(c.template_id) ?? <code className="muted">{c.template_id}</code>}</td>
                      <td>
                        <span className={`chip campaign-${c.status}`}>{CAMPAIGN_STATUS_LABELS[c.status]}</span>
                      </td>
                      <td className="campaign-progress-cell">
                        {counts ? (
                          <>
                            <ProgressBar counts={counts} label={c.name} />
                            <span className="muted">
                              {formatCount(counts.handled)} / {formatCount(counts.total)}
                            </span>
                          </>
                        ) : (
                          // Roles that may not read targets cannot count them either.
                          <span className="muted" title="Targets are visible to super admins and support only">
                            –
                          </span>
                        )}
                      </td>
                      <td>
                        {formatDateTime(c.created_at)}
                        <div className="muted">
                          {c.created_by_email ?? (c.created_by ? 'a former account' : 'setup')}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {canRun && (
        <CampaignDialog
          open={creating}
          templates={templates}
          stations={stationList.data?.items ?? null}
          onClose={() => setCreating(false)}
          onSaved={(campaign) => {
            setCreating(false);
            navigate(`/campaigns/${campaign.id}`);
          }}
        />
      )}
    </div>
  );
}
