/** Character codes the splitter looks for: JSON's structure, line ends and a BOM. */
export const NEWLINE = 10;
export const CARRIAGE_RETURN = 13;
export const QUOTE = 34;
export const BACKSLASH = 92;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COMMA = 44;
export const BOM = 0xfeff;

/** Space, tab, line ends and a BOM: what may sit between records. */
export function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === CARRIAGE_RETURN || code === NEWLINE || code === BOM;
}

/**
 * Finds where a JSON object ends without parsing it: brackets count only outside strings,
 * and a quote after a backslash does not end a string. Fed one character at a time, from
 * the object's opening brace on.
 */
export class ObjectScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Starts over, for an object whose opening brace is the next character read. */
  reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** Reads one character; true when it closes the object. */
  read(code: number): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (code === BACKSLASH) this.escaped = true;
      else if (code === QUOTE) this.inString = false;
    } else if (code === QUOTE) {
      this.inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      this.depth++;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      this.depth--;
      return this.depth === 0;
    }
    return false;
  }
}
