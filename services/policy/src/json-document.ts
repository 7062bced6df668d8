import type { Finding } from './finding.js';
import { formatJsonPath } from './json-path.js';

/**
 * A strict JSON reader for policy text. `JSON.parse` would silently keep the last of two duplicate
 * keys, so `{"Effect":"Deny","Effect":"Allow"}` would read as an Allow; IAM refuses such documents,
 * and so do we. It also reports where a syntax error is (line and column) and bounds nesting depth
 * so that hostile input cannot exhaust the stack.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type ReadJsonResult = { readonly ok: true; readonly value: JsonValue; readonly findings: readonly Finding[] } | { readonly ok: false; readonly findings: readonly Finding[] };

const MAX_DEPTH = 64;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ReadJsonOptions {
  /**
   * Objects and arrays nested this deep (the top-level value is at depth 0) whose text repeats,
   * character for character, the text of an earlier one at the same depth are read once: the
   * result holds the same object in each place, so the caller must not modify it. A value with a
   * duplicate key inside is never shared, so each place has its own finding.
   */
  readonly shareRepeats?: { readonly fromDepth: number; readonly toDepth: number };
}

export function readJson(text: string, options: ReadJsonOptions = {}): ReadJsonResult {
  const reader = new Reader(text, options.shareRepeats);
  try {
    reader.skipWhitespace();
    const value = reader.readValue(0);
    reader.skipWhitespace();
    if (reader.offset < text.length) throw new JsonSyntaxError('unexpected text after the JSON value', reader.offset);
    return { ok: true, value, findings: reader.duplicates };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    return {
      ok: false,
      findings: [
        {
          severity: 'error',
          code: 'JSON_SYNTAX_ERROR',
          path: '$',
          message: `The policy is not valid JSON: ${error.message} at line ${line}, column ${column}.`,
        },
      ],
    };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const QUOTE = 34;
const BACKSLASH = 92;
// eslint-disable-next-line no-control-regex -- JSON forbids these characters raw in a string: this finds them.
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/**
 * A recursive-descent reader over character codes. The path of the value being read is one stack,
 * turned into a JSONPath only when a duplicate key is reported; strings without escapes are cut
 * out of the text whole.
 */
class Reader {
  offset = 0;
  readonly duplicates: Finding[] = [];
  /** Per depth, the values read from each text, while sharing repeats. */
  private readonly seen: Map<string, JsonValue>[] = [];
  private readonly path: (string | number)[] = [];
  /** The first backslash at or after `offset`'s string start, or the text's length: found once, not per string. */
  private nextBackslash = -1;

  constructor(
    private readonly text: string,
    private readonly shareRepeats: ReadJsonOptions['shareRepeats'],
  ) {}

  skipWhitespace(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const code = text.charCodeAt(this.offset);
      if (code === 32 || code === 9 || code === 10 || code === 13) this.offset++;
      else break;
    }
  }

  readValue(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.offset);
    const code = this.text.charCodeAt(this.offset);
    switch (code) {
      case 123: // {
      case 91: // [
        if (this.shareRepeats && depth >= this.shareRepeats.fromDepth && depth <= this.shareRepeats.toDepth) return this.readShared(depth);
        return code === 123 ? this.readObject(depth) : this.readArray(depth);
      case QUOTE:
        return this.readString();
      case 116: // t
        return this.readLiteral('true', true);
      case 102: // f
        return this.readLiteral('false', false);
      case 110: // n
        return this.readLiteral('null', null);
      default:
        if (Number.isNaN(code)) throw new JsonSyntaxError('unexpected end of input', this.offset);
        if (code === 45 || (code >= 48 && code <= 57)) return this.readNumber();
        throw new JsonSyntaxError(`unexpected character ${JSON.stringify(this.text[this.offset])}`, this.offset);
    }
  }

  /**
   * Finds where the object or array at `offset` ends without reading it; a text seen before at this
   * depth is the value read then, since reading depends on nothing but the text and the depth.
   */
  private readShared(depth: number): JsonValue {
    const text = this.text;
    const start = this.offset;
    const end = this.endOfContainer(start);
    const seen = (this.seen[depth] ??= new Map());
    const source = end < 0 ? undefined : text.slice(start, end);
    if (source !== undefined) {
      const known = seen.get(source);
      if (known !== undefined) {
        this.offset = end;
        return known;
      }
    }
    const duplicatesBefore = this.duplicates.length;
    const value = text.charCodeAt(start) === 123 ? this.readObject(depth) : this.readArray(depth);
    if (source !== undefined && this.offset === end && this.duplicates.length === duplicatesBefore) seen.set(source, value);
    return value;
  }

  /** The offset after the bracket that closes the one at `start` (strings skipped whole), or -1. */
  private endOfContainer(start: number): number {
    const text = this.text;
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        i = this.closingQuote(i);
        if (i < 0) return -1;
      } else if (code === 123 || code === 91) depth++;
      else if (code === 125 || code === 93) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }

  private closingQuote(open: number): number {
    const text = this.text;
    for (let from = open + 1; ;) {
      const quote = text.indexOf('"', from);
      if (quote < 0) return -1;
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return quote;
      from = quote + 1;
    }
  }

  private readObject(depth: number): { [key: string]: JsonValue } {
    // A null prototype keeps keys such as "__proto__" ordinary data.
    const object = Object.create(null) as { [key: string]: JsonValue };
    const text = this.text;
    this.offset++;
    this.skipWhitespace();
    if (text.charCodeAt(this.offset) === 125) {
      this.offset++;
      return object;
    }
    const path = this.path;
    path.push('');
    for (;;) {
      this.skipWhitespace();
      if (text.charCodeAt(this.offset) !== QUOTE) throw new JsonSyntaxError('expected a quoted property name', this.offset);
      const key = this.readString();
      this.skipWhitespace();
      if (text.charCodeAt(this.offset) !== 58) throw new JsonSyntaxError("expected ':' after a property name", this.offset);
      this.offset++;
      this.skipWhitespace();
      path[path.length - 1] = key;
      const value = this.readValue(depth + 1);
      if (key in object) {
        this.duplicates.push({
          severity: 'error',
          code: 'DUPLICATE_KEY',
          path: formatJsonPath(path),
          message: `The key ${JSON.stringify(key)} appears more than once in the same object; keep exactly one.`,
        });
      }
      object[key] = value;
      this.skipWhitespace();
      const next = text.charCodeAt(this.offset);
      this.offset++;
      if (next === 125) {
        path.pop();
        return object;
      }
      if (next !== 44) throw new JsonSyntaxError("expected ',' or '}' in an object", this.offset - 1);
    }
  }

  private readArray(depth: number): JsonValue[] {
    const array: JsonValue[] = [];
    const text = this.text;
    this.offset++;
    this.skipWhitespace();
    if (text.charCodeAt(this.offset) === 93) {
      this.offset++;
      return array;
    }
    const path = this.path;
    path.push(0);
    for (;;) {
      this.skipWhitespace();
      path[path.length - 1] = array.length;
      array.push(this.readValue(depth + 1));
      this.skipWhitespace();
      const next = text.charCodeAt(this.offset);
      this.offset++;
      if (next === 93) {
        path.pop();
        return array;
      }
      if (next !== 44) throw new JsonSyntaxError("expected ',' or ']' in an array", this.offset - 1);
    }
  }

  private readString(): string {
    const text = this.text;
    const start = this.offset;
    const close = text.indexOf('"', start + 1);
    if (this.nextBackslash <= start) {
      const backslash = text.indexOf('\\', start + 1);
      this.nextBackslash = backslash < 0 ? text.length : backslash;
    }
    if (close >= 0 && close < this.nextBackslash) {
      const raw = text.slice(start + 1, close);
      if (!CONTROL_CHARACTER.test(raw)) {
        this.offset = close + 1;
        return raw;
      }
    }
    return this.readEscapedString(start);
  }

  /** A string with escapes, a control character or no end: character by character, to report where. */
  private readEscapedString(start: number): string {
    const text = this.text;
    let end = start + 1;
    let escaped = false;
    for (;;) {
      if (end >= text.length) throw new JsonSyntaxError('unterminated string', start);
      const code = text.charCodeAt(end);
      if (code === QUOTE) break;
      if (code < 32) throw new JsonSyntaxError('control character in a string', end);
      if (code === BACKSLASH) {
        escaped = true;
        end += 2;
      } else end++;
    }
    this.offset = end + 1;
    const raw = text.slice(start, end + 1);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      throw new JsonSyntaxError('invalid escape sequence in a string', start);
    }
  }

  private readNumber(): number {
    const match = NUMBER;
    match.lastIndex = this.offset;
    const found = match.exec(this.text);
    if (!found) throw new JsonSyntaxError('invalid number', this.offset);
    this.offset += found[0].length;
    return Number(found[0]);
  }

  private readLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.offset)) throw new JsonSyntaxError(`unexpected token`, this.offset);
    this.offset += word.length;
    return value;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
