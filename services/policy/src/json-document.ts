import type { Finding } from './finding.js';
import { formatJsonPath, type JsonPath } from './json-path.js';

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

export function readJson(text: string): ReadJsonResult {
  const reader = new Reader(text);
  try {
    reader.skipWhitespace();
    const value = reader.readValue([], 0);
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

class Reader {
  offset = 0;
  readonly duplicates: Finding[] = [];

  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    const text = this.text;
    while (this.offset < text.length) {
      const code = text.charCodeAt(this.offset);
      if (code === 32 || code === 9 || code === 10 || code === 13) this.offset++;
      else break;
    }
  }

  readValue(path: JsonPath, depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.offset);
    const char = this.text[this.offset];
    switch (char) {
      case '{':
        return this.readObject(path, depth);
      case '[':
        return this.readArray(path, depth);
      case '"':
        return this.readString();
      case 't':
        return this.readLiteral('true', true);
      case 'f':
        return this.readLiteral('false', false);
      case 'n':
        return this.readLiteral('null', null);
      case undefined:
        throw new JsonSyntaxError('unexpected end of input', this.offset);
      default:
        if (char === '-' || (char >= '0' && char <= '9')) return this.readNumber();
        throw new JsonSyntaxError(`unexpected character ${JSON.stringify(char)}`, this.offset);
    }
  }

  private readObject(path: JsonPath, depth: number): { [key: string]: JsonValue } {
    // A null prototype keeps keys such as "__proto__" ordinary data.
    const object = Object.create(null) as { [key: string]: JsonValue };
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') throw new JsonSyntaxError('expected a quoted property name', this.offset);
      const key = this.readString();
      this.skipWhitespace();
      if (this.text[this.offset] !== ':') throw new JsonSyntaxError("expected ':' after a property name", this.offset);
      this.offset++;
      this.skipWhitespace();
      const childPath = [...path, key];
      const value = this.readValue(childPath, depth + 1);
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        this.duplicates.push({
          severity: 'error',
          code: 'DUPLICATE_KEY',
          path: formatJsonPath(childPath),
          message: `The key ${JSON.stringify(key)} appears more than once in the same object; keep exactly one.`,
        });
      }
      object[key] = value;
      this.skipWhitespace();
      const next = this.text[this.offset];
      this.offset++;
      if (next === '}') return object;
      if (next !== ',') throw new JsonSyntaxError("expected ',' or '}' in an object", this.offset - 1);
    }
  }

  private readArray(path: JsonPath, depth: number): JsonValue[] {
    const array: JsonValue[] = [];
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return array;
    }
    for (;;) {
      this.skipWhitespace();
      array.push(this.readValue([...path, array.length], depth + 1));
      this.skipWhitespace();
      const next = this.text[this.offset];
      this.offset++;
      if (next === ']') return array;
      if (next !== ',') throw new JsonSyntaxError("expected ',' or ']' in an array", this.offset - 1);
    }
  }

  private readString(): string {
    const text = this.text;
    const start = this.offset;
    let end = start + 1;
    let escaped = false;
    for (;;) {
      if (end >= text.length) throw new JsonSyntaxError('unterminated string', start);
      const code = text.charCodeAt(end);
      if (code === 34) break;
      if (code < 32) throw new JsonSyntaxError('control character in a string', end);
      if (code === 92) {
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
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
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
