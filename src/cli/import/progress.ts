/**
 * Import progress: a bar redrawn in place on a terminal, a plain line every N records
 * otherwise (logs and CI keep every line). Pure: output and time are injected.
 */

export interface ProgressState {
  records: number;
  bytesRead: number;
  /** 0 when unknown (a pipe): no percentage, no ETA. */
  totalBytes: number;
  elapsedMs: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** 5 -> "0:05", 125 -> "2:05", 3725 -> "1:02:05". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function ratePerSecond(records: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (records * 1000) / elapsedMs : 0;
}

/** The share of the file read, 0 to 1, or undefined when the size is unknown. */
export function fractionDone(state: ProgressState): number | undefined {
  if (state.totalBytes <= 0) return undefined;
  return Math.min(1, state.bytesRead / state.totalBytes);
}

/** Seconds left, assuming the bytes still to read go as fast as those read so far. */
export function etaSeconds(state: ProgressState): number | undefined {
  const done = fractionDone(state);
  if (done === undefined || done === 0 || state.elapsedMs <= 0) return undefined;
  return ((1 - done) / done) * (state.elapsedMs / 1000);
}

export function renderBar(state: ProgressState, width = 28): string {
  const done = fractionDone(state);
  const rate = `${formatCount(ratePerSecond(state.records, state.elapsedMs))} users/s`;
  const count = `${formatCount(state.records)} users`;
  if (done === undefined) return `${count}  ${rate}`;
  const filled = Math.round(done * width);
  const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
  const eta = etaSeconds(state);
  const percent = `${String(Math.floor(done * 100)).padStart(3)}%`;
  return `${bar} ${percent}  ${count}  ${rate}  ETA ${eta === undefined ? "-:--" : formatDuration(eta)}`;
}

export function renderCountLine(state: ProgressState): string {
  const done = fractionDone(state);
  const percent = done === undefined ? "" : `, ${Math.floor(done * 100)}% of the file`;
  return `${formatCount(state.records)} users read (${formatCount(ratePerSecond(state.records, state.elapsedMs))} users/s${percent})`;
}

export interface ProgressOptions {
  tty: boolean;
  write: (text: string) => void;
  now: () => number;
  totalBytes: number;
  /** A terminal is redrawn at most this often. */
  intervalMs?: number;
  /** Elsewhere, one line per this many records. */
  everyRecords?: number;
}

export class ProgressReporter {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private nextLineAt: number;
  private readonly intervalMs: number;
  private readonly everyRecords: number;

  constructor(private readonly options: ProgressOptions) {
    this.started = options.now();
    this.intervalMs = options.intervalMs ?? 100;
    this.everyRecords = options.everyRecords ?? 10_000;
    this.nextLineAt = this.everyRecords;
  }

  update(records: number, bytesRead: number): void {
    const now = this.options.now();
    if (this.options.tty) {
      if (now - this.lastDraw < this.intervalMs) return;
      this.lastDraw = now;
      this.draw(records, bytesRead, now);
      return;
    }
    if (records < this.nextLineAt) return;
    this.nextLineAt = (Math.floor(records / this.everyRecords) + 1) * this.everyRecords;
    this.options.write(`${renderCountLine(this.state(records, bytesRead, now))}\n`);
  }

  /** Erases the bar before another line is written; the next update draws it again. */
  interrupt(): void {
    if (this.options.tty && this.drawn) {
      this.options.write("\r\x1b[K");
      this.drawn = false;
      this.lastDraw = Number.NEGATIVE_INFINITY;
    }
  }

  /** The final state: the full bar and a line end on a terminal, nothing elsewhere. */
  finish(records: number, bytesRead: number): void {
    if (!this.options.tty) return;
    this.draw(records, bytesRead, this.options.now());
    this.options.write("\n");
    this.drawn = false;
  }

  private draw(records: number, bytesRead: number, now: number): void {
    this.options.write(`\r${renderBar(this.state(records, bytesRead, now))}\x1b[K`);
    this.drawn = true;
  }

  private state(records: number, bytesRead: number, now: number): ProgressState {
    return {
      records,
      bytesRead,
      totalBytes: this.options.totalBytes,
      elapsedMs: now - this.started,
    };
  }
}
