/**
 * One campaign (`/campaigns/:id`): its status with the moves its state machine allows,
 * what it sends, its progress by target status (read again every few seconds while it
 * runs), the pre-flight estimate, the targets import, and the targets table. Only super
 * admins and support see targets (numbers are personal data); the other roles get the
 * campaign without progress and without actions.
 */
import type { TCampaign, TCampaignAction } from '@easymo/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { ConfirmDialog } from '../../components/Dialog.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useToast } from '../../components/Toaster.tsx';
import { useCampaignActionMutation } from '../../data/campaigns/campaign-action-mutation.ts';
import { useCampaignDeleteMutation } from '../../data/campaigns/campaign-delete-mutation.ts';
import { campaignPollInterval, useCampaignQuery } from '../../data/campaigns/campaign-query.ts';
import { campaignKeys } from '../../data/campaigns/keys.ts';
import { useSettingsQuery } from '../../data/settings/settings-query.ts';
import { useStationsQuery } from '../../data/stations/stations-query.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatCount, formatDateTime, formatRwf } from '../../lib/format.ts';
import { useUrlState } from '../../lib/url-state.ts';
import { useCan } from '../../shell/access.tsx';
import { isUuid } from '../vouchers/url.ts';
import { CampaignActions } from './CampaignActions.tsx';
import { CampaignDialog, csvColumns } from './CampaignDialog.tsx';
import { CampaignProgress } from './CampaignProgress.tsx';
import { EstimatePanel } from './EstimatePanel.tsx';
import { CAMPAIGN_STATUS_LABELS, CAMPAIGN_TYPE_LABELS, progressCounts } from './labels.ts';
import { TargetsImportDialog } from './TargetsImportDialog.tsx';
import { TARGET_URL_KEYS, TargetsTable, type TargetsUrl } from './TargetsTable.tsx';
import './campaigns.css';

const DONE_TEXT: Record<TCampaignAction, string> = {
  start: 'started: messages are going out',
  pause: 'paused: nothing more is sent until it is resumed',
  resume: 'resumed',
  finish: 'finished',
};

export function CampaignPage() {
  const { id = '' } = useParams<{ id: string }>();
  if (!isUuid(id)) {
    return (
      <EmptyState title="No such campaign">
        The link is not a campaign&apos;s. <Link href="/campaigns">See all campaigns</Link>.
      </EmptyState>
    );
  }
  return <CampaignView key={id} id={id} />;
}

function CampaignView({ id }: { id: string }) {
  const campaign = useCampaignQuery(id);
  if (campaign.isPending) return <Loading label="Loading the campaign…" />;
  if (campaign.isError) {
    return (
      <div className="page">
        <p>
          <Link href="/campaigns">← All campaigns</Link>
        </p>
        <ErrorNotice error={campaign.error} onRetry={() => void campaign.refetch()} />
      </div>
    );
  }
  return <CampaignDetail campaign={campaign.data} />;
}

function CampaignDetail({ campaign }: { campaign: TCampaign }) {
  const { id } = campaign;
  const toast = useToast();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const canRun = useCan('campaigns.run');
  const canSeeTargets = useCan('campaigns.targets');
  const [url, setUrl] = useUrlState(TARGET_URL_KEYS);
  const onFilter = useCallback((patch: TargetsUrl) => setUrl(patch), [setUrl]);
  const action = useCampaignActionMutation();
  const remove = useCampaignDeleteMutation();
  const [editing, setEditing] = useState(false);
  const [importing, setImporting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const settings = useSettingsQuery();
  const stations = useStationsQuery({ status: 'active' });

  const templates = settings.data?.templates ?? [];
  const template = templates.find((t) => t.id === campaign.template_id);
  const stationName = (stationId: string) => stations.data?.items.find((s) => s.id === stationId)?.name ?? stationId;
  const progress = campaign.progress;
  const counts = progress ? progressCounts(progress) : null;
  const isDraft = campaign.status === 'draft';
  const polling = campaignPollInterval(campaign) !== false;

  // New counts mean targets moved: the table and the estimate follow the progress.
  const signature = `${campaign.status}:${JSON.stringify(progress)}`;
  const previous = useRef(signature);
  useEffect(() => {
    if (previous.current === signature) return;
    previous.current = signature;
    void queryClient.invalidateQueries({ queryKey: campaignKeys.targets(id) });
    void queryClient.invalidateQueries({ queryKey: campaignKeys.estimate(id) });
  }, [signature, id, queryClient]);

  async function onAction(move: TCampaignAction) {
    try {
      const moved = await action.mutateAsync({ id, action: move });
      toast.show('success', `${moved.name} ${DONE_TEXT[move]}`);
    } catch (error) {
      toast.show('error', `Not done: ${errorMessage(error)}`);
    }
  }

  function deleteDraft() {
    remove.mutate(id, {
      onSuccess: () => {
        toast.show('success', `Draft ${campaign.name} deleted`);
        navigate('/campaigns');
      },
      onError: (error) => {
        setDeleting(false);
        toast.show('error', `Not deleted: ${errorMessage(error)}`);
      },
    });
  }

  const voucher = campaign.options.voucher;
  const quiet = campaign.options.quiet_hours;

  return (
    <div className="page campaign-page">
      <p className="back-link">
        <Link href="/campaigns">← All campaigns</Link>
      </p>
      <header className="page-head campaign-head">
        <h1>{campaign.name}</h1>
        <span className={`chip campaign-${campaign.status}`} data-testid="campaign-status">
          {CAMPAIGN_STATUS_LABELS[campaign.status]}
        </span>
        <div className="actions">
          {canRun && isDraft && (
            <>
              <button type="button" className="secondary" onClick={() => setEditing(true)}>
                Edit draft
              </button>
              <button type="button" className="secondary danger-text" onClick={() => setDeleting(true)}>
                Delete draft…
              </button>
            </>
          )}
          <CampaignActions
            campaign={{
              name: campaign.name,
              status: campaign.status,
              targets: campaign.targets,
              pending: counts ? counts.pending : null,
            }}
            canRun={canRun}
            busy={action.isPending ? action.variables.action : null}
            onAction={onAction}
          />
        </div>
      </header>

      <section className="card" aria-label="About this campaign">
        <dl className="facts campaign-facts">
          <dt>Type</dt>
          <dd>{CAMPAIGN_TYPE_LABELS[campaign.type]}</dd>
          <dt>Template</dt>
          <dd data-testid="campaign-template">
            {template ? (
              <>
                {template.name} <code className="muted">{template.id}</code>
                <div className="muted template-excerpt">{template.body}</div>
              </>
            ) : (
              <>
                <code>{campaign.template_id}</code>
                {settings.data && <span className="muted"> (no longer in Settings)</span>}
              </>
            )}
          </dd>
          {voucher && (
            <>
              <dt>Voucher</dt>
              <dd data-testid="campaign-voucher">
                {formatRwf(voucher.amount, voucher.currency)}, valid {formatCount(voucher.expires_in_days)}{' '}
                {voucher.expires_in_days === 1 ? 'day' : 'days'} from issue,{' '}
                {voucher.station_scope ? `at ${stationName(voucher.station_scope)} only` : 'at any station'}
              </dd>
            </>
          )}
          <dt>Quiet hours</dt>
          <dd data-testid="campaign-quiet-hours">
            {quiet
              ? `${quiet.start} → ${quiet.end} in each target's local time (this campaign's own)`
              : "Each country's (Settings)"}
          </dd>
          {/* Roles that may not read targets cannot count them either (the count is 0 for them). */}
          {progress !== null && (
            <>
              <dt>Targets</dt>
              <dd data-testid="campaign-targets">{formatCount(campaign.targets)}</dd>
            </>
          )}
          <dt>Created</dt>
          <dd>
            {formatDateTime(campaign.created_at)}
            {campaign.created_by_email ? ` by ${campaign.created_by_email}` : ''}
          </dd>
          {campaign.started_at && (
            <>
              <dt>Started</dt>
              <dd>{formatDateTime(campaign.started_at)}</dd>
            </>
          )}
          {campaign.finished_at && (
            <>
              <dt>Finished</dt>
              <dd>{formatDateTime(campaign.finished_at)}</dd>
            </>
          )}
        </dl>
      </section>

      {progress === null || !canSeeTargets ? (
        <p className="notice" role="note" data-testid="targets-hidden">
          Targets are visible to super admins and support only.
        </p>
      ) : (
        <>
          <CampaignProgress progress={progress} polling={polling} />
          {campaign.status !== 'done' && <EstimatePanel campaignId={id} started={!isDraft} />}
          {canRun && (campaign.status === 'draft' || campaign.status === 'paused') && (
            <section className="card campaign-import" aria-labelledby="import-title">
              <h2 id="import-title">Import targets</h2>
              <p className="muted">
                {campaign.status === 'paused'
                  ? 'More targets can be added while the campaign is paused; numbers it already has are rejected.'
                  : 'Add the people to message from a CSV file. The file is checked first; nothing is stored until you import.'}
              </p>
              <button type="button" onClick={() => setImporting(true)}>
                Import targets (CSV)
              </button>
            </section>
          )}
          <TargetsTable
            campaignId={id}
            url={url}
            onFilter={onFilter}
            canRetry={canRun && (campaign.status === 'running' || campaign.status === 'paused')}
            failed={progress.failed}
          />
        </>
      )}

      {canRun && isDraft && (
        <CampaignDialog
          open={editing}
          campaign={campaign}
          templates={templates}
          stations={stations.data?.items ?? null}
          onClose={() => setEditing(false)}
          onSaved={() => setEditing(false)}
        />
      )}
      {canRun && (
        <TargetsImportDialog
          open={importing}
          campaignId={id}
          columns={csvColumns(template, campaign.type)}
          onClose={() => setImporting(false)}
        />
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete ${campaign.name}?`}
        confirmLabel="Delete draft"
        danger
        busy={remove.isPending}
        onConfirm={deleteDraft}
        onClose={() => setDeleting(false)}
      >
        <p>
          The draft and its {formatCount(campaign.targets)} imported {campaign.targets === 1 ? 'target' : 'targets'} are
          deleted. Nobody has been messaged yet.
        </p>
      </ConfirmDialog>
    </div>
  );
}
