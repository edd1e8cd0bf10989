import cliProgress from 'cli-progress';

/** A snapshot of a long job's progress. */
export interface ProgressEvent {
  /** What is running, for example "train dcgan" or "generate". */
  label: string;
  done: number;
  total: number;
  /** Unit of `done` and `total`, for example "step" or "image". */
  unit: string;
  elapsedMs: number;
  /** Units per second since the start. */
  ratePerS: number;
  /** Estimated time to finish, from the rate so far; NaN before the first unit is done. */
  etaMs: number;
  /** Extra figures to show, for example the latest losses. */
  fields: Record<string, number | string>;
  finished: boolean;
}

/** Receives progress snapshots; library code takes one of these instead of printing. */
export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Counts work done and sends snapshots to a listener at most every `minIntervalMs`, plus one
 * at the end. Library code creates one per long job.
 */
export class ProgressTracker {
  private readonly startMs = Date.now();
  private lastSentMs = 0;
  private done = 0;
  private fields: Record<string, number | string> = {};

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly listener: ProgressListener | undefined,
    private readonly minIntervalMs = 500,
    /** Units already done before this tracker started (a resumed job); excluded from the rate. */
    private readonly initialDone = 0,
  ) {
    this.done = initialDone;
  }

  /** Adds `count` units done and updates the extra figures. */
  tick(count = 1, fields?: Record<string, number | string>): void {
    this.done += count;
    if (fields) this.fields = { ...this.fields, ...fields };
    const now = Date.now();
    if (this.listener && now - this.lastSentMs >= this.minIntervalMs) {
      this.lastSentMs = now;
      this.listener(this.snapshot(false));
    }
  }

  /** Sends the final snapshot. */
  finish(fields?: Record<string, number | string>): void {
    if (fields) this.fields = { ...this.fields, ...fields };
    this.listener?.(this.snapshot(true));
  }

  snapshot(finished: boolean): ProgressEvent {
    const elapsedMs = Date.now() - this.startMs;
    const doneHere = this.done - this.initialDone;
    const ratePerS = elapsedMs > 0 ? (doneHere * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, this.total - this.done);
    const etaMs = ratePerS > 0 ? (remaining / ratePerS) * 1000 : Number.NaN;
    return {
      label: this.label, done: this.done, total: this.total, unit: this.unit,
      elapsedMs, ratePerS, etaMs, fields: { ...this.fields }, finished,
    };
  }
}

/** Formats milliseconds as m:ss or h:mm:ss; "?" when unknown. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

function formatFields(fields: Record<string, number | string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key} ${typeof value === 'number' ? formatNumber(value) : value}`)
    .join('  ');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(2);
  return value.toFixed(magnitude >= 100 ? 1 : 3);
}

/** One line of text for a snapshot: label, count, percent, rate, elapsed time, ETA, fields. */
export function formatProgressLine(event: ProgressEvent): string {
  const percent = event.total > 0 ? ((100 * event.done) / event.total).toFixed(1) : '?';
  const rate = `${formatNumber(event.ratePerS)} ${event.unit}/s`;
  const timing = event.finished
    ? `done in ${formatDuration(event.elapsedMs)}`
    : `elapsed ${formatDuration(event.elapsedMs)}, ETA ${formatDuration(event.etaMs)}`;
  const fields = formatFields(event.fields);
  return `${event.label}: ${event.done}/${event.total} ${event.unit}s (${percent}%)  ${rate}  ${timing}${fields ? `  ${fields}` : ''}`;
}

/**
 * A listener for the terminal: a cli-progress bar on an interactive stderr, otherwise (logs, CI)
 * one line every `lineIntervalMs`.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, lineIntervalMs = 10_000): ProgressListener {
  if (!stream.isTTY) {
    let lastLineMs = 0;
    return (event) => {
      const now = Date.now();
      if (event.finished || now - lastLineMs >= lineIntervalMs) {
        lastLineMs = now;
        stream.write(`${formatProgressLine(event)}\n`);
      }
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return (event) => {
    if (!bar) {
      bar = new cliProgress.SingleBar({
        stream,
        format: `${event.label} [{bar}] {percentage}% {value}/{total} {unit}s | {rate} {unit}/s | ETA {etaText} | {fieldsText}`,
        hideCursor: true,
        clearOnComplete: false,
      }, cliProgress.Presets.shades_classic);
      bar.start(event.total, event.done, {});
    }
    bar.update(event.done, {
      unit: event.unit,
      rate: formatNumber(event.ratePerS),
      etaText: formatDuration(event.etaMs),
      fieldsText: formatFields(event.fields),
    });
    if (event.finished) {
      bar.stop();
      bar = undefined;
    }
  };
}
