/**
 * Stations with their redemption activity. Search and status filter live in the URL, and
 * so does the open station (`?station=<id>`), so a link opens the same view. Those who may
 * (super_admin, data_ops) create and edit stations and manage their operators.
 */
import type { TListStationsQuery, TStation } from '@easymo/contracts';
import { useCallback, useState } from 'react';
import { SearchBox } from '../../components/SearchBox.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/states.tsx';
import { useStationsQuery } from '../../data/stations/stations-query.ts';
import { formatAge, formatCount, formatDateTime, formatRwf } from '../../lib/format.ts';
import { useUrlState } from '../../lib/url-state.ts';
import { useCan } from '../../shell/access.tsx';
import { StationDialog } from './StationDialog.tsx';
import { StationDrawer } from './StationDrawer.tsx';

const URL_KEYS = ['q', 'status', 'station'] as const;

type DialogState = { mode: 'create' } | { mode: 'edit'; station: TStation } | null;

export function StationsPage() {
  const [url, setUrl] = useUrlState(URL_KEYS);
  const canEdit = useCan('stations.edit');
  const [dialog, setDialog] = useState<DialogState>(null);
  const search = useCallback((q: string) => setUrl({ q }), [setUrl]);

  const query: TListStationsQuery = {};
  if (url.q) query.q = url.q.slice(0, 64);
  if (url.status === 'active' || url.status === 'inactive') query.status = url.status;
  const stations = useStationsQuery(query);
  const items = stations.data?.items ?? [];

  return (
    <div className="page">
      <header className="page-head">
        <h1>Stations</h1>
        {stations.data && (
          <span className="muted" data-testid="stations-count">
            {formatCount(items.length)} {items.length === 1 ? 'station' : 'stations'}
          </span>
        )}
        {canEdit && (
          <div className="actions">
            <button type="button" onClick={() => setDialog({ mode: 'create' })}>
              New station
            </button>
          </div>
        )}
      </header>

      <div className="filters card" role="search" aria-label="Filter stations">
        <SearchBox label="Search" placeholder="Name or ENGEN code" value={url.q ?? ''} onChange={search} />
        <label>
          Status
          <select value={url.status ?? ''} onChange={(e) => setUrl({ status: e.target.value })}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </label>
      </div>

      {stations.isPending ? (
        <Loading label="Loading stations…" />
      ) : stations.isError ? (
        <ErrorNotice error={stations.error} onRetry={() => void stations.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={url.q || url.status ? 'No station matches' : 'No stations yet'}>
          {url.q || url.status ? 'Try another name or code, or clear the status filter.' : null}
        </EmptyState>
      ) : (
        <section className="card table-card" aria-label="Stations" aria-busy={stations.isFetching}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Station</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Redeemed 24 h
                </th>
                <th scope="col" className="num">
                  Redeemed 7 d
                </th>
                <th scope="col" className="num">
                  Amount 7 d
                </th>
                <th scope="col">Last redemption</th>
                <th scope="col" className="num">
                  Operators
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr
                  key={s.id}
                  className="clickable"
                  aria-selected={url.station === s.id}
                  data-testid="station-row"
                  onClick={() => setUrl({ station: s.id }, { keepCursor: true })}
                >
                  <td>
                    <button
                      type="button"
                      className="link row-link"
                      onClick={(e) => {
                        e.stopPropagation();
                        setUrl({ station: s.id }, { keepCursor: true });
                      }}
                    >
                      {s.name}
                    </button>{' '}
                    <code className="muted">{s.engencode}</code>
                  </td>
                  <td>
                    <span className={`chip status-${s.status}`}>{s.status}</span>
                  </td>
                  <td className="num">{formatCount(s.redeemed_24h)}</td>
                  <td className="num">{formatCount(s.redeemed_7d)}</td>
                  <td className="num">{formatRwf(s.redeemed_amount_7d)}</td>
                  <td title={formatDateTime(s.last_redeemed_at)}>{formatAge(s.last_redeemed_at)}</td>
                  <td className="num">{formatCount(s.active_operators)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {url.station && (
        <StationDrawer
          key={url.station}
          stationId={url.station}
          onClose={() => setUrl({ station: undefined }, { keepCursor: true })}
          onEdit={(station) => setDialog({ mode: 'edit', station })}
        />
      )}
      {dialog && (
        <>
          <StationDialog
            station={dialog.mode === 'edit' ? dialog.station : undefined}
            onClose={() => setDialog(null)}
            onSaved={(station) => {
              if (dialog.mode === 'create') setUrl({ station: station.id }, { keepCursor: true });
            }}
          />
        </>
      )}
    </div>
  );
}
