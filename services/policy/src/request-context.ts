/**
 * The request context: the condition keys of one request and their values. Key names are
 * case-insensitive in IAM (tag keys included), so keys are stored lower-cased once per request and
 * looked up lower-cased. A single-valued key holds a string; a multivalued key (aws:TagKeys,
 * aws:CalledVia…) holds an array, possibly empty.
 */
export type ContextValue = string | readonly string[];

export type ContextInput = Readonly<Record<string, unknown>>;

export type ReadContextResult = { readonly ok: true; readonly context: RequestContext } | { readonly ok: false; readonly error: string };

export class RequestContext {
  static readonly EMPTY = new RequestContext(new Map());

  private constructor(private readonly values: ReadonlyMap<string, ContextValue>) {}

  /**
   * Reads a plain object of keys to values: strings, numbers and booleans are single values, arrays
   * of them multivalued. Anything else is refused, so a caller's mistake is an error, not a silent
   * non-match.
   */
  static read(input: ContextInput | undefined | null): ReadContextResult {
    if (input === undefined || input === null) return { ok: true, context: RequestContext.EMPTY };
    if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, error: 'context must be an object of condition keys to values' };
    const values = new Map<string, ContextValue>();
    for (const [key, raw] of Object.entries(input)) {
      const lower = key.toLowerCase();
      if (values.has(lower)) return { ok: false, error: `context key ${JSON.stringify(key)} is given twice (keys are case-insensitive)` };
      if (Array.isArray(raw)) {
        const list: string[] = [];
        for (const item of raw) {
          const text = scalarText(item);
          if (text === undefined) return { ok: false, error: `context key ${JSON.stringify(key)} holds a list with a value that is not a string, number or boolean` };
          list.push(text);
        }
        values.set(lower, list);
      } else {
        const text = scalarText(raw);
        if (text === undefined) return { ok: false, error: `context key ${JSON.stringify(key)} must be a string, number, boolean or a list of them` };
        values.set(lower, text);
      }
    }
    return { ok: true, context: new RequestContext(values) };
  }

  /** Like `read`, but throws a TypeError on bad input: for callers that built the context themselves. */
  static from(input: ContextInput | RequestContext | undefined | null): RequestContext {
    if (input instanceof RequestContext) return input;
    const read = RequestContext.read(input);
    if (!read.ok) throw new TypeError(read.error);
    return read.context;
  }

  /** The value of a lower-cased key, or `undefined` when the request does not have it. */
  get(lowerKey: string): ContextValue | undefined {
    return this.values.get(lowerKey);
  }

  /** The value of a single-valued key, for policy variables; multivalued keys cannot be variables. */
  single(lowerKey: string): string | undefined {
    const value = this.values.get(lowerKey);
    return typeof value === 'string' ? value : undefined;
  }

  has(lowerKey: string): boolean {
    return this.values.has(lowerKey);
  }

  /** A copy with keys added where absent (used to supply aws:CurrentTime from the injected clock). */
  withDefaults(defaults: Readonly<Record<string, ContextValue>>): RequestContext {
    let values: Map<string, ContextValue> | undefined;
    for (const [key, value] of Object.entries(defaults)) {
      const lower = key.toLowerCase();
      if (this.values.has(lower)) continue;
      values ??= new Map(this.values);
      values.set(lower, value);
    }
    return values ? new RequestContext(values) : this;
  }

  /**
   * A copy where the given keys replace this context's (request keys over principal keys). Refuses
   * what `read` refuses; an invalid value throws a TypeError.
   */
  withOverrides(overrides: ContextInput): RequestContext {
    const read = RequestContext.read(overrides);
    if (!read.ok) throw new TypeError(read.error);
    const values = new Map(this.values);
    for (const [key, value] of read.context.values) values.set(key, value);
    return new RequestContext(values);
  }

  entries(): IterableIterator<[string, ContextValue]> {
    return this.values.entries();
  }
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}
