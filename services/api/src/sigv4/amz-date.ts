/** ISO 8601 basic format used by SigV4: `YYYYMMDD'T'HHMMSS'Z'`. */
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses an `X-Amz-Date` value; returns `undefined` unless it is a valid `YYYYMMDDTHHMMSSZ` timestamp. */
export function parseAmzDate(value: string): Date | undefined {
  // Requests signed in the same second carry the same value: the last one parsed is remembered
  // (as a number, so that no caller can change the remembered date).
  if (lastParsed !== undefined && value === lastParsed.value) return new Date(lastParsed.ms);
  const date = parseAmzDateUncached(value);
  if (date !== undefined) lastParsed = { value, ms: date.getTime() };
  return date;
}

let lastParsed: { readonly value: string; readonly ms: number } | undefined;

function parseAmzDateUncached(value: string): Date | undefined {
  const match = AMZ_DATE_PATTERN.exec(value);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Reject out-of-range fields (month 13, Feb 30, hour 25, …) that Date.UTC would roll over.
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date : undefined;
}

/**
 * Parses the value of an HTTP `Date` header used in place of `X-Amz-Date`:
 * either the SigV4 basic format or an RFC 7231 IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`).
 */
export function parseDateHeader(value: string): Date | undefined {
  const amz = parseAmzDate(value);
  if (amz !== undefined) return amz;
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Formats a date as `YYYYMMDDTHHMMSSZ` (UTC, whole seconds). */
export function formatAmzDate(date: Date): string {
  // By hand rather than toISOString and two regular expressions: it runs on every request.
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}T${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
}
