/**
 * Cuts mongoexport output into records without holding more than one in memory. Pure: the
 * caller feeds text chunks of any size and gets back the records they completed.
 *
 * Three layouts are recognised from the start of the text:
 * - a JSON array (`mongoexport --jsonArray`): the whole array is ONE line unless --pretty,
 *   so the array is split by tracking strings, escapes and bracket depth, never by lines;
 * - JSON lines (mongoexport's default): one object per line, a bad line costs only itself;
 * - concatenated multi-line objects (`mongoexport --pretty` without --jsonArray).
 */

import {
  BOM,
  CARRIAGE_RETURN,
  CLOSE_BRACKET,
  COMMA,
  isBlank,
  NEWLINE,
  ObjectScanner,
  OPEN_BRACE,
  OPEN_BRACKET,
} from "./object-scanner.js";
import { RecordText } from "./record-text.js";

export type SplitItem =
  /** One top-level object's text, and the line it starts on (1-based). */
  | { kind: "record"; line: number; text: string }
  /** Text that cannot be a record: reported with its line and kept for --errors-to. */
  | { kind: "error"; line: number; text: string; message: string }
  /** A problem with the file as a whole (a truncated array), not with a record. */
  | { kind: "warning"; line: number; message: string };

export type Layout = "array" | "lines" | "objects";

/** Far above any user document; past it the record is reported instead of buffered. */
export const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;

type Collecting =
  /** Between records. */
  | "nothing"
  /** Inside a top-level object (array and objects layouts). */
  | "object"
  /** Inside a line (lines layout). */
  | "line"
  /** Unexpected text between records, up to the next separator. */
  | "junk";

export class RecordSplitter {
  private layout: Layout | undefined;
  private line = 1;
  private collecting: Collecting = "nothing";
  private readonly record: RecordText;
  private readonly scanner = new ObjectScanner();
  private startLine = 1;
  private spansLines = false;
  private arrayOpened = false;
  private arrayClosed = false;
  private items: SplitItem[] = [];

  constructor(private readonly maxChars = DEFAULT_MAX_RECORD_CHARS) {
    this.record = new RecordText(maxChars);
  }

  /** The layout, once the first non-blank character has told it. */
  get detectedLayout(): Layout | undefined {
    return this.layout;
  }

  push(chunk: string): SplitItem[] {
    let segmentStart = 0;
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      const code = chunk.charCodeAt(i);
      switch (this.collecting) {
        case "line": {
          const end = chunk.indexOf("\n", i);
          if (end === -1) {
            i = length;
            break;
          }
          this.record.keep(chunk, segmentStart, end);
          this.emitLine();
          this.line++;
          i = end + 1;
          segmentStart = i;
          this.startCollecting("line");
          break;
        }
        case "object": {
          if (this.scanner.read(code)) {
            this.record.keep(chunk, segmentStart, i + 1);
            this.emitObject();
            segmentStart = i + 1;
          }
          if (code === NEWLINE) {
            this.line++;
            this.spansLines = true;
          }
          i++;
          break;
        }
        case "junk": {
          if (code === NEWLINE || code === COMMA || code === OPEN_BRACE || code === CLOSE_BRACKET) {
            this.record.keep(chunk, segmentStart, i);
            this.emitJunk();
            segmentStart = i;
            // The separator is read again as the start of what follows the junk.
            break;
          }
          i++;
          break;
        }
        case "nothing": {
          if (code === NEWLINE) {
            this.line++;
            i++;
            break;
          }
          if (isBlank(code)) {
            i++;
            break;
          }
          segmentStart = i;
          const start = this.startRecord(code);
          // "begin": the character is the record's first, read again by its state;
          // "junk": it is kept as the junk's first, so junk always moves forward.
          if (start !== "begin") i++;
          if (start === "consumed") segmentStart = i;
          break;
        }
      }
    }
    if (this.collecting !== "nothing") this.record.keep(chunk, segmentStart, length);
    return this.drain();
  }

  /** The end of the input: whatever is still open is reported. */
  end(): SplitItem[] {
    switch (this.collecting) {
      case "line":
        this.emitLine();
        break;
      case "object":
        this.items.push({
          kind: "error",
          line: this.startLine,
          text: this.record.take(),
          message: this.record.overflowed
            ? `the record starting here is larger than ${this.maxChars} characters and the file ends inside it (an unclosed string or bracket?)`
            : "the file ends inside this record",
        });
        break;
      case "junk":
        this.emitJunk();
        break;
      case "nothing":
        break;
    }
    this.collecting = "nothing";
    if (this.layout === "array" && this.arrayOpened && !this.arrayClosed) {
      this.items.push({
        kind: "warning",
        line: this.line,
        message: "the JSON array is not closed with ]: is the file complete?",
      });
    }
    return this.drain();
  }

  /** Decides what a non-blank character at the top level begins. */
  private startRecord(code: number): "consumed" | "begin" | "junk" {
    if (this.layout === undefined) {
      if (code === BOM) return "consumed";
      if (code === OPEN_BRACKET) {
        this.layout = "array";
        this.arrayOpened = true;
        return "consumed";
      }
      if (code !== OPEN_BRACE) {
        // Not JSON we know: read line by line, so each bad line is reported on its own.
        this.layout = "lines";
        this.startCollecting("line");
        return "begin";
      }
      // The first object decides between JSON lines and --pretty output: see emitObject.
    }
    if (this.layout === "lines") {
      this.startCollecting("line");
      return "begin";
    }
    if (this.layout === "array" && !this.arrayClosed) {
      if (code === COMMA) return "consumed";
      if (code === CLOSE_BRACKET) {
        this.arrayClosed = true;
        return "consumed";
      }
    }
    if (this.layout === "objects" && code === COMMA) return "consumed";
    if (code === OPEN_BRACE && !this.arrayClosed) {
      this.startCollecting("object");
      this.scanner.reset();
      this.spansLines = false;
      // The brace itself is counted when the object loop reads it.
      return "begin";
    }
    this.startCollecting("junk");
    return "junk";
  }

  private startCollecting(what: Collecting): void {
    this.collecting = what;
    this.record.reset();
    this.startLine = this.line;
  }

  private emitLine(): void {
    let text = this.record.take();
    if (text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
    if (this.record.overflowed) {
      this.items.push({
        kind: "error",
        line: this.startLine,
        text,
        message: `the line is longer than ${this.maxChars} characters`,
      });
    } else if (text.trim() !== "") {
      this.items.push({ kind: "record", line: this.startLine, text });
    }
    this.collecting = "nothing";
  }

  private emitObject(): void {
    const text = this.record.take();
    if (this.record.overflowed) {
      this.items.push({
        kind: "error",
        line: this.startLine,
        text,
        message: `the record is larger than ${this.maxChars} characters`,
      });
    } else {
      this.items.push({ kind: "record", line: this.startLine, text });
    }
    this.collecting = "nothing";
    if (this.layout === undefined) {
      // A first object that fits on its line: JSON lines. One over several lines: --pretty.
      this.layout = this.spansLines ? "objects" : "lines";
      if (this.layout === "lines") {
        // The rest of this line belongs to no record; anything but blanks there is reported.
        this.startCollecting("line");
      }
    }
  }

  private emitJunk(): void {
    const text = this.record.take().trim();
    this.collecting = "nothing";
    if (text === "") return;
    this.items.push({
      kind: "error",
      line: this.startLine,
      text,
      message: this.arrayClosed
        ? "unexpected text after the end of the JSON array"
        : "expected a JSON object here",
    });
  }

  private drain(): SplitItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/** Splits a whole stream of text chunks: `for await (const item of splitRecords(stream))`. */
export async function* splitRecords(
  chunks: AsyncIterable<string>,
  maxChars = DEFAULT_MAX_RECORD_CHARS,
): AsyncGenerator<SplitItem> {
  const splitter = new RecordSplitter(maxChars);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}
