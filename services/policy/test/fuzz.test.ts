import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCase } from '../src/cli/evaluation-case.js';
import { validatePolicy } from '../src/index.js';

/**
 * Fuzzing `validate` and `evaluate` with malformed documents made by mutating the corpus's valid
 * policies: cut JSON text, changed characters, deleted elements, values of the wrong type,
 * injected duplicate keys. Whatever comes in, validation answers with well-formed findings, an
 * invalid policy is never evaluated, and nothing throws.
 */
const corpusDir = join(import.meta.dirname, 'corpus');
const seeds: object[] = [];
for (const file of readdirSync(corpusDir).filter((name) => name.endsWith('.json'))) {
  const { cases } = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as { cases: { expect: string; identityPolicies?: object[] }[] };
  for (const testCase of cases) if (testCase.expect !== 'error') seeds.push(...(testCase.identityPolicies ?? []));
}

const REQUEST = { principal: 'arn:aws:iam::111122223333:user/alice', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key' };
const SEVERITIES = ['error', 'security_warning', 'warning', 'suggestion'];

function checkFindingsAreClean(input: unknown): void {
  const result = validatePolicy(input);
  for (const finding of result.findings) {
    expect(SEVERITIES).toContain(finding.severity);
    expect(finding.code).toMatch(/^[A-Z_]+$/);
    expect(finding.path.startsWith('$')).toBe(true);
    expect(finding.message.length).toBeGreaterThan(10);
  }
  const evaluated = runCase({ id: 'fuzz', identityPolicies: [input], request: REQUEST });
  if (!result.valid) {
    // An invalid policy is refused: the case is an error, never a decision, so never an allow.
    expect(evaluated).toHaveProperty('error');
  } else {
    expect(evaluated).toHaveProperty('decision');
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside a JSON document. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => found.push(...paths(item, [...prefix, index])));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
  return found;
}

function mutateAt(value: Json, path: (string | number)[], change: (target: Json) => Json | undefined): Json {
  if (path.length === 0) return change(value) ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && change(copy[head as number]!) === undefined) copy.splice(head as number, 1);
    else copy[head as number] = mutateAt(copy[head as number]!, rest, change);
    return copy;
  }
  const copy = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && change(copy[head as string]!) === undefined) delete copy[head as string];
  else copy[head as string] = mutateAt(copy[head as string]!, rest, change);
  return copy;
}

describe('fuzzing validate and evaluate with malformed documents', () => {
  it('has seed policies from the corpus', () => {
    expect(seeds.length).toBeGreaterThan(100);
  });

  it('truncated JSON text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (seed, cut) => {
        const text = JSON.stringify(seed, null, 1);
        const truncated = text.slice(0, Math.floor(text.length * cut));
        checkFindingsAreClean(truncated);
        expect(validatePolicy(truncated).valid).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('JSON text with characters replaced or inserted', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'x', ' ', '\u0000', '\u2028', '😀')), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          let text = JSON.stringify(seed);
          for (const [at, char] of edits) {
            const index = at % (text.length + 1);
            text = text.slice(0, index) + char + text.slice(index + (at % 2));
          }
          checkFindingsAreClean(text);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('elements deleted or replaced by values of any type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }), (seed, which, replacement) => {
        const all = paths(seed as Json);
        const path = all[which % all.length]!;
        const mutated = mutateAt(seed as Json, path, () => replacement as Json | undefined);
        checkFindingsAreClean(mutated);
      }),
      { numRuns: 1500 },
    );
  });

  it('a duplicated key in the text is refused, whichever value comes last', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), (seed) => {
        const text = JSON.stringify(seed).replace('"Effect":"Deny"', '"Effect":"Deny","Effect":"Allow"').replace('"Effect":"Allow"', '"Effect":"Allow","Effect":"Deny"');
        checkFindingsAreClean(text);
        const result = validatePolicy(text);
        expect(result.valid).toBe(false);
        expect(result.findings.some((finding) => finding.code === 'DUPLICATE_KEY')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('deeply nested and oversized documents', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    checkFindingsAreClean(deep);
    const huge = { Version: '2012-10-17', Statement: Array.from({ length: 400 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${i}/*` })) };
    const result = validatePolicy(huge);
    expect(result.findings.map((finding) => finding.code)).toContain('POLICY_SIZE_EXCEEDED');
    checkFindingsAreClean(huge);
    const cyclic: Record<string, unknown> = { Version: '2012-10-17' };
    cyclic['Statement'] = cyclic;
    expect(validatePolicy(cyclic).valid).toBe(false);
  });
});
