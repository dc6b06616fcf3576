/**
 * The text of the record being read, gathered from the chunks it spans and kept only up to
 * a size limit: past it the record is reported as too large rather than held in memory.
 */
export class RecordText {
  private parts: string[] = [];
  private size = 0;
  private overflowedLimit = false;

  constructor(readonly maxChars: number) {}

  /** Past the size limit: the record is still read to its end, its text no longer kept. */
  get overflowed(): boolean {
    return this.overflowedLimit;
  }

  /** Forgets everything, for a new record. */
  reset(): void {
    this.parts = [];
    this.size = 0;
    this.overflowedLimit = false;
  }

  /** Keeps chunk[from, to) of the current record, up to the size limit. */
  keep(chunk: string, from: number, to: number): void {
    if (to <= from || this.overflowedLimit) return;
    const room = this.maxChars - this.size;
    if (to - from > room) {
      if (room > 0) this.parts.push(chunk.slice(from, from + room));
      this.size = this.maxChars;
      this.overflowedLimit = true;
      return;
    }
    this.parts.push(chunk.slice(from, to));
    this.size += to - from;
  }

  /** The text kept so far, handed over once: the parts are let go, the size and limit stay. */
  take(): string {
    const text = this.parts.length === 1 ? (this.parts[0] as string) : this.parts.join("");
    this.parts = [];
    return text;
  }
}
