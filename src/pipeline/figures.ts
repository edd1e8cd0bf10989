import type { PlotlyFigure } from '../core/notebook-display';

/** One row of a training history, as written to `history.json`. */
export interface HistoryPoint {
  step: number;
  dLoss: number | null;
  gLoss: number | null;
  gradientPenalty?: number | null;
  wasserstein?: number | null;
}

/** Moving average over `window` points, so the noisy per-step losses show a trend. */
export function movingAverage(values: readonly (number | null)[], window: number): (number | null)[] {
  const result: (number | null)[] = [];
  let sum = 0;
  let count = 0;
  const queue: (number | null)[] = [];
  for (const value of values) {
    queue.push(value);
    if (value !== null && Number.isFinite(value)) {
      sum += value;
      count += 1;
    }
    if (queue.length > window) {
      const dropped = queue.shift()!;
      if (dropped !== null && Number.isFinite(dropped)) {
        sum -= dropped;
        count -= 1;
      }
    }
    result.push(count > 0 ? sum / count : null);
  }
  return result;
}

/** Keeps at most `maxPoints` evenly spaced points, so long histories stay light in the report. */
function thin<T>(points: readonly T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return [...points];
  const stride = points.length / maxPoints;
  return Array.from({ length: maxPoints }, (_, i) => points[Math.floor(i * stride)]);
}

/**
 * Discriminator (critic) and generator loss over training steps for several runs, smoothed with
 * a moving average; one pair of traces per run.
 */
export function lossCurvesFigure(runs: { label: string; history: readonly HistoryPoint[] }[], options: { title?: string; smoothing?: number } = {}): PlotlyFigure {
  const smoothing = options.smoothing ?? 25;
  const data: object[] = [];
  for (const run of runs) {
    const history = run.history;
    const d = movingAverage(history.map((row) => row.dLoss), smoothing);
    const g = movingAverage(history.map((row) => row.gLoss), smoothing);
    const points = thin(history.map((row, i) => ({ step: row.step, d: d[i], g: g[i] })), 400);
    data.push({ type: 'scatter', mode: 'lines', name: `${run.label} D`, x: points.map((p) => p.step), y: points.map((p) => p.d) });
    data.push({ type: 'scatter', mode: 'lines', name: `${run.label} G`, x: points.map((p) => p.step), y: points.map((p) => p.g), line: { dash: 'dot' } });
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? `Losses (moving average over ${smoothing} steps)` },
      xaxis: { title: { text: 'generator step' } },
      yaxis: { title: { text: 'loss' } },
      height: 400,
      legend: { orientation: 'h', y: -0.2 },
    },
  };
}

/** Builds a bar chart of one metric per model, with error bars when standard deviations are given. */
export function metricBarFigure(title: string, bars: { label: string; value: number; std?: number }[], options: { yTitle?: string; baseline?: { label: string; value: number } } = {}): PlotlyFigure {
  const data: object[] = [{
    type: 'bar',
    x: bars.map((bar) => bar.label),
    y: bars.map((bar) => bar.value),
    error_y: bars.some((bar) => bar.std !== undefined) ? { type: 'data', array: bars.map((bar) => bar.std ?? 0), visible: true } : undefined,
    name: title,
  }];
  const shapes = options.baseline
    ? [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: options.baseline.value, y1: options.baseline.value, line: { dash: 'dash', color: '#c0392b' } }]
    : [];
  const annotations = options.baseline
    ? [{ xref: 'paper', x: 1, y: options.baseline.value, text: options.baseline.label, showarrow: false, yanchor: 'bottom', xanchor: 'right' }]
    : [];
  return {
    data,
    layout: { title: { text: title }, yaxis: { title: { text: options.yTitle ?? title } }, shapes, annotations, height: 360, showlegend: false },
  };
}

/** Lines of y against x with error bars, one per series (for example accuracy against data amount). */
export function seriesFigure(title: string, series: { label: string; x: number[]; y: number[]; std?: number[] }[], axes: { x: string; y: string }): PlotlyFigure {
  return {
    data: series.map((s) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: s.label,
      x: s.x,
      y: s.y,
      error_y: s.std ? { type: 'data', array: s.std, visible: true } : undefined,
    })),
    layout: { title: { text: title }, xaxis: { title: { text: axes.x } }, yaxis: { title: { text: axes.y } }, height: 380 },
  };
}

/**
 * Builds a heatmap of how often the classifier assigns generated images to each class, one row per
 * model: a collapsed model shows one bright cell, real data an even row.
 */
export function classDistributionFigure(rows: { label: string; distribution: number[] }[], classNames: string[]): PlotlyFigure {
  return {
    data: [{
      type: 'heatmap',
      z: rows.map((row) => row.distribution),
      x: classNames,
      y: rows.map((row) => row.label),
      colorscale: 'Viridis',
      zmin: 0,
      colorbar: { title: { text: 'fraction' } },
    }],
    layout: { title: { text: 'Class of generated images, as the classifier sees it' }, xaxis: { title: { text: 'class' }, type: 'category' }, height: 120 + 40 * rows.length, margin: { l: 200 } },
  };
}
