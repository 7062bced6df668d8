import { type Finding, hasErrors, SEVERITY_ORDER } from './finding.js';
import { readJson } from './json-document.js';
import { lintPolicy } from './lint-policy.js';
import { parsePolicy } from './parse-policy.js';
import type { PolicyDocument } from './policy-document.js';
import { describeKind, type InlinePolicyTarget, isIamStored, type PolicyKind } from './policy-kind.js';
import { countPolicyCharacters, sizeLimitFor } from './size-limits.js';

export interface ValidatePolicyOptions {
  /** Where the policy is used; `identity` when not given. */
  readonly kind?: PolicyKind;
  /** For an inline identity policy, the entity it is embedded in (the size limit differs). */
  readonly inlineOn?: InlinePolicyTarget;
}

export interface ValidationResult {
  /** True when no finding is an error; only then is `document` set. */
  readonly valid: boolean;
  /** Errors first, then security warnings, warnings and suggestions, each in document order. */
  readonly findings: readonly Finding[];
  readonly document: PolicyDocument | undefined;
  /** Characters counted toward the size quota (white space excluded). */
  readonly size: number | undefined;
}

/**
 * Validates a policy given as JSON text or as an already-parsed value. Never throws, whatever the
 * input: every problem is a finding.
 */
export function validatePolicy(input: unknown, options: ValidatePolicyOptions = {}): ValidationResult {
  const kind = options.kind ?? 'identity';
  const findings: Finding[] = [];
  let value: unknown;
  let text = '';
  let measured: JsonTextMeasure | undefined;
  if (typeof input === 'string') {
    const read = readJson(input);
    findings.push(...read.findings);
    if (!read.ok) return result(findings, undefined, undefined);
    value = read.value;
    text = input;
  } else {
    value = input;
    // A value read from JSON is measured as its JSON text would be, without writing that text.
    measured = measureJsonText(input);
    if (measured === undefined) {
      const serialized = serialize(input);
      if (serialized === undefined) {
        findings.push({ severity: 'error', code: 'JSON_SYNTAX_ERROR', path: '$', message: 'The policy cannot be written as JSON (it holds a cycle, a function or a non-JSON value).' });
        return result(findings, undefined, undefined);
      }
      text = serialized;
    }
  }

  const size = measured ? measured.size : countPolicyCharacters(text);
  const limit = sizeLimitFor(kind, options.inlineOn);
  if (limit !== undefined && size > limit) {
    findings.push({
      severity: 'error',
      code: 'POLICY_SIZE_EXCEEDED',
      path: '$',
      message: `The policy has ${size} characters (white space not counted); a ${options.inlineOn ? `${options.inlineOn} inline policy` : describeKind(kind)} may have at most ${limit}.`,
    });
  }
  if (isIamStored(kind)) {
    const offending = measured ? measured.unsupported : findUnsupportedCharacter(text);
    if (offending !== undefined) {
      findings.push({
        severity: 'error',
        code: 'UNSUPPORTED_CHARACTER',
        path: '$',
        message: `The policy contains ${JSON.stringify(offending)} (U+${offending.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}); IAM policies may contain only tab, line feed, carriage return and characters U+0020 to U+00FF.`,
      });
    }
  }

  const parsed = parsePolicy(value, kind);
  findings.push(...parsed.findings);
  // Whether the policy's JSON text holds `${` (a variable's marker, literal under 2008-10-17).
  if (parsed.document) findings.push(...lintPolicy(parsed.document, kind, measured ? measured.variableMarker : text.includes('${')));
  return result(findings, parsed.document, size);
}

function result(findings: Finding[], document: PolicyDocument | undefined, size: number | undefined): ValidationResult {
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const valid = !hasErrors(sorted);
  return { valid, findings: sorted, document: valid ? document : undefined, size };
}

function serialize(value: unknown): string | undefined {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/** What `countPolicyCharacters`, `findUnsupportedCharacter` and a search for `${` would find in a value's `JSON.stringify` text. */
export interface JsonTextMeasure {
  readonly size: number;
  readonly unsupported: string | undefined;
  /** The text holds `${` (only ever inside a string: JSON.stringify writes no `$` elsewhere). */
  readonly variableMarker: boolean;
}

/** A character that is white space, escaped, or outside U+0021–U+00FF in a string's JSON text. */
const NOT_WRITTEN_AS_IS = /[^\u0021-\u00ff]|["\\]/;

/** Nesting past which a value is left to `JSON.stringify` (which also reports a cycle). */
const MAX_MEASURED_DEPTH = 512;

/**
 * The size (white space not counted) and the first unsupported character of the text
 * `JSON.stringify(value)` writes, computed without writing it; `undefined` for anything but
 * strings, finite or not numbers, booleans, null, arrays and plain objects of them (left to
 * `JSON.stringify`, whose rules for the rest are not repeated here). The text's rules for a string:
 * `"` and `\\` and the control characters with a short escape take two characters, other control
 * characters and lone surrogates six (`\\uXXXX`), a space is white space, anything else (a
 * surrogate pair: two code units) is itself.
 */
export function measureJsonText(value: unknown): JsonTextMeasure | undefined {
  let size = 0;
  let unsupported: string | undefined;
  let variableMarker = false;
  const measureString = (text: string): void => {
    size += 2;
    if (!variableMarker && text.includes('${')) variableMarker = true;
    // Most strings are written as they are, each of their characters counted.
    if (!NOT_WRITTEN_AS_IS.test(text)) {
      size += text.length;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 32) continue;
      if (code > 32 && code < 0xd800 && code !== 34 && code !== 92) {
        size++;
        if (code > 0xff && unsupported === undefined) unsupported = text[i];
      } else if (code === 34 || code === 92 || code === 8 || code === 9 || code === 10 || code === 12 || code === 13) size += 2;
      else if (code < 32) size += 6;
      else if (code >= 0xe000) {
        size++;
        if (unsupported === undefined) unsupported = text[i];
      } else if (code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        // A surrogate pair: written as it is, two code units, one character outside U+0000–U+00FF.
        size += 2;
        if (unsupported === undefined) unsupported = String.fromCodePoint(text.codePointAt(i)!);
        i++;
      } else size += 6;
    }
  };
  const measure = (item: unknown, depth: number): boolean => {
    if (typeof item === 'string') measureString(item);
    else if (typeof item === 'number') size += Number.isFinite(item) ? String(item).length : 4;
    else if (typeof item === 'boolean') size += item ? 4 : 5;
    else if (item === null) size += 4;
    else if (typeof item !== 'object' || depth > MAX_MEASURED_DEPTH) return false;
    else if (Array.isArray(item)) {
      if (Object.getPrototypeOf(item) !== Array.prototype || (item as { toJSON?: unknown }).toJSON !== undefined) return false;
      size += item.length > 0 ? item.length + 1 : 2;
      for (let i = 0; i < item.length; i++) if (!measure(item[i], depth + 1)) return false;
    } else {
      const prototype: unknown = Object.getPrototypeOf(item);
      if (prototype !== Object.prototype && prototype !== null) return false;
      const keys = Object.keys(item);
      size += keys.length > 0 ? 2 * keys.length + 1 : 2;
      for (const key of keys) {
        measureString(key);
        if (!measure((item as Record<string, unknown>)[key], depth + 1)) return false;
      }
    }
    return true;
  };
  return measure(value, 0) ? { size, unsupported, variableMarker } : undefined;
}

const UNSUPPORTED_CHARACTER = /[^\t\n\r\u0020-\u00ff]/;

function findUnsupportedCharacter(text: string): string | undefined {
  if (!UNSUPPORTED_CHARACTER.test(text)) return undefined;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0xff)) continue;
    return String.fromCodePoint(text.codePointAt(i)!);
  }
  return undefined;
}
