/** Inline SVG charts for the report: no script, no external asset, every text escaped by the caller's `esc`. */
export type Escape = (value: unknown) => string;

export interface Bar {
  label: string;
  value: number;
  /** CSS colour */
  colour: string;
  /** text after the bar */
  note?: string;
}

const LABEL_W = 150;
const BAR_W = 420;
const ROW_H = 22;
const TOP = 24;

function fmt(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A width for value v on a scale up to max, never below one pixel for a non-zero value. */
const width = (v: number, max: number) => (max > 0 && v > 0 ? Math.max(1, (v / max) * BAR_W) : 0);

/** Horizontal bars, one per scenario: requests/s; an optional dashed line marks the load generator's ceiling. */
export function barChart(
  title: string,
  unit: string,
  bars: Bar[],
  esc: Escape,
  marker?: { value: number; label: string },
): string {
  const max = Math.max(...bars.map((b) => b.value), marker?.value ?? 0, 1e-9);
  const h = TOP + bars.length * ROW_H + 10;
  const w = LABEL_W + BAR_W + 150;
  const rows = bars.map((b, i) => {
    const y = TOP + i * ROW_H;
    return (
      `<text x="${LABEL_W - 6}" y="${y + 14}" text-anchor="end">${esc(b.label)}</text>` +
      `<rect x="${LABEL_W}" y="${y + 3}" width="${width(b.value, max).toFixed(1)}" height="${ROW_H - 6}" fill="${esc(b.colour)}">` +
      `<title>${esc(`${b.label}: ${fmt(b.value)} ${unit}`)}</title></rect>` +
      `<text x="${(LABEL_W + width(b.value, max) + 4).toFixed(1)}" y="${y + 14}">${esc(`${fmt(b.value)}${b.note ? ` ${b.note}` : ''}`)}</text>`
    );
  });
  const mark = marker
    ? (() => {
        const x = (LABEL_W + width(marker.value, max)).toFixed(1);
        return (
          `<line x1="${x}" y1="${TOP - 4}" x2="${x}" y2="${h - 6}" stroke="#444" stroke-dasharray="4 3"/>` +
          `<text x="${x}" y="${TOP - 8}" text-anchor="middle" class="mk">${esc(`${marker.label} ${fmt(marker.value)}`)}</text>`
        );
      })()
    : '';
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(title)}</title><text x="0" y="12" class="ct">${esc(`${title} (${unit})`)}</text>${rows.join('')}${mark}</svg>`
  );
}

export interface LatencyRow {
  label: string;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const SHADES = [
  { key: 'p50', colour: '#1565c0' },
  { key: 'p90', colour: '#64b5f6' },
  { key: 'p99', colour: '#bbdefb' },
] as const;

/** Latency percentiles per scenario, as nested bars (p99 behind p90 behind p50) on one scale; max as text. */
export function latencyChart(title: string, rows: LatencyRow[], esc: Escape): string {
  const max = Math.max(...rows.map((r) => r.p99), 1e-9);
  const h = TOP + rows.length * ROW_H + 26;
  const w = LABEL_W + BAR_W + 210;
  const body = rows.map((r, i) => {
    const y = TOP + i * ROW_H;
    const bars = [...SHADES]
      .reverse()
      .map(
        (s) =>
          `<rect x="${LABEL_W}" y="${y + 3}" width="${width(r[s.key], max).toFixed(1)}" height="${ROW_H - 6}" fill="${s.colour}">` +
          `<title>${esc(`${r.label} ${s.key}: ${fmt(r[s.key])} ms`)}</title></rect>`,
      )
      .join('');
    return (
      `<text x="${LABEL_W - 6}" y="${y + 14}" text-anchor="end">${esc(r.label)}</text>${bars}` +
      `<text x="${(LABEL_W + width(r.p99, max) + 4).toFixed(1)}" y="${y + 14}">` +
      `${esc(`${fmt(r.p50)} / ${fmt(r.p90)} / ${fmt(r.p99)} (max ${fmt(r.max)})`)}</text>`
    );
  });
  const legendY = TOP + rows.length * ROW_H + 14;
  const legend = SHADES.map(
    (s, i) =>
      `<rect x="${LABEL_W + i * 70}" y="${legendY - 9}" width="10" height="10" fill="${s.colour}"/>` +
      `<text x="${LABEL_W + i * 70 + 14}" y="${legendY}">${s.key}</text>`,
  ).join('');
  return (
    `<svg class="chart" role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(title)}</title><text x="0" y="12" class="ct">${esc(`${title} (ms: p50 / p90 / p99)`)}</text>` +
    `${body.join('')}${legend}</svg>`
  );
}
