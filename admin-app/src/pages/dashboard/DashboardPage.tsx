/** The first page: how the programme is doing today, this week and this month. */
import type { TPeriodTotals, TStationActivity } from '@easymo/contracts';
import { useState } from 'react';
import { Link } from 'wouter';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useDashboardQuery } from '../../data/dashboard/dashboard-query.ts';
import { formatAge, formatCount, formatDateTime, formatPercent, formatRwf } from '../../lib/format.ts';
import { DailyChart } from './DailyChart.tsx';

const PERIODS = [
  { key: 'today', label: 'Today' },
  { key: 'days_7', label: '7 days' },
  { key: 'days_30', label: '30 days' },
] as const;
type PeriodKey = (typeof PERIODS)[number]['key'];

const FIGURES = [
  { key: 'issued', label: 'Issued', status: 'issued' },
  { key: 'sent', label: 'Sent', status: 'sent' },
  { key: 'redeemed', label: 'Redeemed', status: 'redeemed' },
  { key: 'expired', label: 'Expired', status: 'expired' },
] as const;

export function DashboardPage() {
  const dashboard = useDashboardQuery();
  const [period, setPeriod] = useState<PeriodKey>('today');

  if (dashboard.isPending) return <Loading label="Loading the dashboard…" />;
  if (dashboard.isError) return <ErrorNotice error={dashboard.error} onRetry={() => void dashboard.refetch()} />;
  const data = dashboard.data;
  const totals: TPeriodTotals = data.periods[period];

  return (
    <div className="page">
      <header className="page-head">
        <h1>Dashboard</h1>
        <span className="muted">Updated {formatDateTime(data.generated_at)} (Kigali time)</span>
      </header>

      <div className="segmented" role="group" aria-label="Period">
        {PERIODS.map((p) => (
          <button
            key={p.key}
            type="button"
            className={p.key === period ? 'selected' : 'secondary'}
            aria-pressed={p.key === period}
            onClick={() => setPeriod(p.key)}
          >
            {p.label}
          </button>
        ))}
      </div>

      <section className="figures" aria-label="Voucher totals">
        {FIGURES.map((f) => (
          <Link
            key={f.key}
            href={`/vouchers?status=${f.status}`}
            className="figure card"
            data-testid={`figure-${f.key}`}
          >
            <span className="figure-label">{f.label}</span>
            <span className="figure-count">{formatCount(totals[f.key].count)}</span>
            <span className="muted">{formatRwf(totals[f.key].amount)}</span>
          </Link>
        ))}
        <div className="figure card" data-testid="figure-rate">
          <span className="figure-label">Redemption rate</span>
          <span className="figure-count">{formatPercent(totals.redemption_rate)}</span>
          <span className="muted">redeemed ÷ sent</span>
        </div>
      </section>

      <section className="card">
        <h2>Daily activity</h2>
        {data.daily.some((d) => d.issued_count + d.redeemed_count > 0) ? (
          <DailyChart days={data.daily} />
        ) : (
          <EmptyState title="No vouchers in the last 30 days" />
        )}
      </section>

      <div className="columns">
        <section className="card" aria-labelledby="campaigns-title">
          <h2 id="campaigns-title">Running campaigns</h2>
          {data.campaigns.length === 0 ? (
            <EmptyState title="No campaign is running" />
          ) : (
            <ul className="plain-list">
              {data.campaigns.map((c) => {
                const ratio = c.targets_total === 0 ? 0 : c.targets_done / c.targets_total;
                return (
                  <li key={c.id}>
                    <div className="row-between">
                      <strong>{c.name}</strong>
                      <span className="chip">{c.status}</span>
                    </div>
                    {c.by_status === null ? (
                      <span className="muted">Progress is visible to super admins and support.</span>
                    ) : (
                      <>
                        <progress max={1} value={ratio} aria-label={`${c.name} progress`} />
                        <span className="muted">
                          {formatCount(c.targets_done)} of {formatCount(c.targets_total)} targets done
                        </span>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="insurance-title">
          <h2 id="insurance-title">Insurance queue</h2>
          {data.insurance_pending === null ? (
            <p className="muted">Your role does not include insurance review.</p>
          ) : (
            <p>
              <span className="figure-count" data-testid="insurance-pending">
                {formatCount(data.insurance_pending)}
              </span>{' '}
              {data.insurance_pending === 1 ? 'quote waits' : 'quotes wait'} for review ·{' '}
              <Link href="/insurance?status=pending">Open the queue</Link>
            </p>
          )}
        </section>
      </div>

      <div className="columns">
        <StationList title="Most active stations (7 days)" stations={data.stations_most_active} />
        <StationList title="Least active stations (7 days)" stations={data.stations_least_active} />
      </div>
    </div>
  );
}

function StationList({ title, stations }: { title: string; stations: TStationActivity[] }) {
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {stations.length === 0 ? (
        <EmptyState title="No active stations" />
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Station</th>
              <th scope="col" className="num">
                Redeemed
              </th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {stations.map((s) => (
              <tr key={s.station_id}>
                <td>
                  {s.name} <span className="muted">{s.engencode}</span>
                </td>
                <td className="num">{formatCount(s.redeemed_7d)}</td>
                <td className="num">{formatRwf(s.redeemed_amount_7d)}</td>
                <td>{formatAge(s.last_redeemed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
