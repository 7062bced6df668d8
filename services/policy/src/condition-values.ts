import { splitArn } from './arn.js';
import type { ConditionOperator } from './condition-operators.js';
import { parseCidr } from './ip-address.js';

/**
 * Reading the typed values that condition operators compare: the same readers serve policy values
 * (where a bad value is a validation error) and request-context values (where it is a non-match).
 */
// Decimal notation, and the exponent form JavaScript writes very small or large JSON numbers in (1e-7).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

// ISO 8601 as AWS accepts it: a date, optionally a time (minutes, seconds, fraction), optionally a zone.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
const EPOCH_SECONDS = /^-?\d+(?:\.\d+)?$/;

/** Milliseconds since the epoch, from ISO 8601 text or from epoch seconds; `undefined` otherwise. */
export function parseDate(text: string): number | undefined {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, zone] = match;
  // Date.parse would roll 2025-02-30 over to March 2; a date that does not exist is not a date.
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return undefined;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return undefined;
  // A time without a zone is read as UTC, as IAM does; `Date.parse` would read it as local time.
  let normalized = text.replace(' ', 'T');
  if (hour === undefined) normalized = `${year}-${month}-${day}T00:00:00Z`;
  else if (zone === undefined) normalized += 'Z';
  else if (/^[+-]\d{4}$/.test(zone)) normalized = normalized.slice(0, -2) + ':' + normalized.slice(-2);
  const millis = Date.parse(normalized);
  return Number.isNaN(millis) ? undefined : millis;
}

export function parseBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 (so that two encodings of the same bytes compare equal); `undefined` if not base64. */
export function parseBinary(text: string): string | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('base64');
}

/** Why a policy value cannot be used with the operator, or `undefined` when it can. */
export function explainInvalidPolicyValue(operator: ConditionOperator, text: string): string | undefined {
  switch (operator.family) {
    case 'String':
      return undefined;
    case 'Numeric':
      return parseNumber(text) === undefined ? `${JSON.stringify(text)} is not a number, which ${operator.name} needs` : undefined;
    case 'Date':
      return parseDate(text) === undefined ? `${JSON.stringify(text)} is not a date; use ISO 8601 (2026-01-31T12:00:00Z) or epoch seconds` : undefined;
    case 'Bool':
      return parseBool(text) === undefined ? `${JSON.stringify(text)} is not "true" or "false"` : undefined;
    case 'Binary':
      return parseBinary(text) === undefined ? `${JSON.stringify(text)} is not base64-encoded` : undefined;
    case 'IpAddress':
      return parseCidr(text) === undefined ? `${JSON.stringify(text)} is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24)` : undefined;
    case 'Arn':
      // A policy variable may stand for a whole ARN, so only a literal value must look like one.
      return text.includes('${') || text === '*' || splitArn(text) ? undefined : `${JSON.stringify(text)} is not an ARN`;
    case 'Null':
      return parseBool(text) === undefined ? `Null takes "true" (the key is absent) or "false" (it is present), not ${JSON.stringify(text)}` : undefined;
  }
}
