/** One page of vouchers: sortable columns (aria-sort), rows that open the drawer by click or Enter. */
import type { TVoucher } from '@easymo/contracts';
import type { KeyboardEvent } from 'react';
import { formatDateTime, formatRwf } from '../../lib/format.ts';
import { STATUS_LABELS } from './labels.ts';
import type { VoucherSort } from './url.ts';
import type { StationNames } from './VoucherDrawer.tsx';

const SORTABLE: Record<VoucherSort, string> = {
  issued_at: 'Issued',
  amount: 'Amount',
  expires_at: 'Valid until',
  redeemed_at: 'Redeemed',
};

function SortHeader({
  column,
  sort,
  dir,
  onSort,
  className,
}: {
  column: VoucherSort;
  sort: VoucherSort;
  dir: 'asc' | 'desc';
  onSort: (column: VoucherSort) => void;
  className?: string;
}) {
  const active = column === sort;
  return (
    <th scope="col" className={className} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {SORTABLE[column]}
        <span className="sort-mark" aria-hidden="true">
          {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

export function VouchersTable({
  items,
  sort,
  dir,
  onSort,
  selectedId,
  onOpen,
  stations,
  busy,
}: {
  items: TVoucher[];
  sort: VoucherSort;
  dir: 'asc' | 'desc';
  onSort: (column: VoucherSort) => void;
  selectedId: string | undefined;
  onOpen: (id: string) => void;
  stations: StationNames;
  busy: boolean;
}) {
  const header = { sort, dir, onSort };
  return (
    <div className="table-scroll">
      <table className="table vouchers-table" aria-busy={busy} data-testid="vouchers-table">
        <caption className="visually-hidden">Vouchers. Choose a row to see the voucher.</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Status</th>
            <SortHeader column="amount" className="num" {...header} />
            <th scope="col">Phone</th>
            <th scope="col">Station</th>
            <SortHeader column="issued_at" {...header} />
            <SortHeader column="expires_at" {...header} />
            <SortHeader column="redeemed_at" {...header} />
          </tr>
        </thead>
        <tbody>
          {items.map((voucher) => {
            const scope = voucher.station_scope ? stations.get(voucher.station_scope) : undefined;
            const open = () => onOpen(voucher.id);
            const onKeyDown = (event: KeyboardEvent) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                open();
              }
            };
            return (
              <tr
                key={voucher.id}
                className="clickable"
                tabIndex={0}
                aria-selected={voucher.id === selectedId}
                onClick={open}
                onKeyDown={onKeyDown}
                data-testid="voucher-row"
                data-voucher-id={voucher.id}
              >
                <td>
                  <code className="voucher-code">{voucher.code5}</code>
                </td>
                <td>
                  <span className={`chip status-${voucher.status}`}>{STATUS_LABELS[voucher.status]}</span>
                </td>
                <td className="num">{formatRwf(voucher.amount, voucher.currency)}</td>
                <td>{voucher.msisdn ?? '–'}</td>
                <td>
                  {voucher.station_scope ? (
                    (scope?.name ?? <span className="muted">{voucher.station_scope.slice(0, 8)}…</span>)
                  ) : (
                    <span className="muted">Any</span>
                  )}
                </td>
                <td>{formatDateTime(voucher.issued_at)}</td>
                <td>{formatDateTime(voucher.expires_at)}</td>
                <td>{formatDateTime(voucher.redeemed_at)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
