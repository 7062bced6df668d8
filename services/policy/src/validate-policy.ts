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
  let text: string;
  if (typeof input === 'string') {
    const read = readJson(input);
    findings.push(...read.findings);
    if (!read.ok) return result(findings, undefined, undefined);
    value = read.value;
    text = input;
  } else {
    const serialized = serialize(input);
    if (serialized === undefined) {
      findings.push({ severity: 'error', code: 'JSON_SYNTAX_ERROR', path: '$', message: 'The policy cannot be written as JSON (it holds a cycle, a function or a non-JSON value).' });
      return result(findings, undefined, undefined);
    }
    value = input;
    text = serialized;
  }

  const size = countPolicyCharacters(text);
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
    const offending = findUnsupportedCharacter(text);
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
  if (parsed.document) findings.push(...lintPolicy(parsed.document, kind, text));
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
