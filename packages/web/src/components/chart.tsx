/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { formatNumber } from "../i18n/index.ts";

/** A tiny inline trend line; the numbers behind it are in its accessible name. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 100;
  const h = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const pts = values
    .map((v, i) => `${(i * step).toFixed(1)},${(h - (v / max) * (h - 2) - 1).toFixed(1)}`)
    .join(" ");
  return (
    <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={pts} fill="none" stroke="#1d4ed8" stroke-width="1.5" />
    </svg>
  );
}

export interface BarPoint {
  label: string;
  value: number;
  /** The same position in the period before, drawn as a thin grey bar beside it. */
  previous?: number;
}

/**
 * A bar chart with axis labels in the page's language (labels come in already translated), and a
 * data table fallback for screen readers.
 */
export function BarChart({
  title,
  points,
  unit,
}: {
  title: string;
  points: BarPoint[];
  unit: string;
}) {
  const w = 640;
  const h = 200;
  const left = 48;
  const bottom = 24;
  const max = Math.max(1, ...points.map((p) => Math.max(p.value, p.previous ?? 0)));
  const slot = (w - left) / Math.max(1, points.length);
  const y = (v: number) => h - bottom - (v / max) * (h - bottom - 8);
  return (
    <figure>
      <svg width="100%" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={title}>
        <line x1={left} y1={h - bottom} x2={w} y2={h - bottom} stroke="#6b7280" />
        <text x={left - 4} y={y(max) + 4} text-anchor="end" font-size="11" fill="#374151">
          {formatNumber(max)}
        </text>
        <text x={left - 4} y={h - bottom} text-anchor="end" font-size="11" fill="#374151">
          0
        </text>
        {points.map((pt, i) => {
          const x = left + i * slot;
          return (
            <g>
              {pt.previous !== undefined && (
                <rect
                  x={x + 1}
                  y={y(pt.previous)}
                  width={Math.max(1, slot * 0.25)}
                  height={h - bottom - y(pt.previous)}
                  fill="#9ca3af"
                />
              )}
              <rect
                x={x + slot * 0.3}
                y={y(pt.value)}
                width={Math.max(1, slot * 0.6)}
                height={h - bottom - y(pt.value)}
                fill="#1d4ed8"
              >
                <title>{`${pt.label}: ${formatNumber(pt.value)} ${unit}`}</title>
              </rect>
              {(i === 0 || i === points.length - 1 || i % 7 === 0) && (
                <text x={x + slot / 2} y={h - 6} text-anchor="middle" font-size="11" fill="#374151">
                  {pt.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
