/**
 * Vouchers issued and redeemed per day as paired bars (SVG, no chart library). Each day
 * is also a row of a visually hidden table, so the numbers are readable without the picture.
 */
import type { TDailyMetrics } from '@easymo/contracts';
import { formatCount, formatDay } from '../../lib/format.ts';

const HEIGHT = 160;
const BAR = 8;
const GAP = 6;

export function DailyChart({ days }: { days: TDailyMetrics[] }) {
  const first = days[0];
  const last = days.at(-1);
  const max = Math.max(1, ...days.map((d) => Math.max(d.issued_count, d.redeemed_count)));
  const width = days.length * (BAR * 2 + GAP);
  const scale = (n: number) => Math.round((n / max) * (HEIGHT - 4));
  return (
    <figure className="chart" aria-labelledby="daily-chart-title">
      <figcaption id="daily-chart-title">
        Issued <span className="legend legend-issued" /> and redeemed <span className="legend legend-redeemed" /> per
        day, last {days.length} days (peak {formatCount(max)})
      </figcaption>
      <svg viewBox={`0 0 ${width} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-hidden="true">
        {days.map((d, i) => {
          const x = i * (BAR * 2 + GAP);
          return (
            <g key={d.day}>
              <title>{`${formatDay(d.day)}: ${d.issued_count} issued, ${d.redeemed_count} redeemed`}</title>
              <rect
                className="bar-issued"
                x={x}
                y={HEIGHT - scale(d.issued_count)}
                width={BAR}
                height={scale(d.issued_count)}
              />
              <rect
                className="bar-redeemed"
                x={x + BAR}
                y={HEIGHT - scale(d.redeemed_count)}
                width={BAR}
                height={scale(d.redeemed_count)}
              />
            </g>
          );
        })}
      </svg>
      <div className="chart-axis muted" aria-hidden="true">
        <span>{first ? formatDay(first.day) : ''}</span>
        <span>{last ? formatDay(last.day) : ''}</span>
      </div>
      <table className="visually-hidden">
        <caption>Vouchers per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Issued</th>
            <th scope="col">Sent</th>
            <th scope="col">Redeemed</th>
            <th scope="col">Expired</th>
            <th scope="col">Voided</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              <td>{d.issued_count}</td>
              <td>{d.sent_count}</td>
              <td>{d.redeemed_count}</td>
              <td>{d.expired_count}</td>
              <td>{d.void_count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
