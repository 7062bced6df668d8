import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase } from '../src/cli/evaluation-case.js';

/**
 * The documented-semantics corpus: every case states an AWS rule in its own words, cites the AWS
 * documentation page that states it, and gives the decision AWS documents.
 */
interface CorpusCase {
  readonly id: string;
  readonly rule: string;
  readonly cite: string;
  readonly expect: 'allow' | 'explicit_deny' | 'implicit_deny' | 'error';
  readonly expectMatched?: readonly { source: string; policyIndex: number; statementIndex: number }[];
  readonly [key: string]: unknown;
}

const corpusDir = join(import.meta.dirname, 'corpus');
const files = readdirSync(corpusDir)
  .filter((file) => file.endsWith('.json'))
  .sort();

describe('documented AWS semantics corpus', () => {
  it('has cases, each with a rule and a citation of the AWS documentation', () => {
    const ids = new Set<string>();
    for (const file of files) {
      const { cases } = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as { cases: CorpusCase[] };
      for (const testCase of cases) {
        expect(testCase.rule, testCase.id).toBeTruthy();
        expect(testCase.cite, testCase.id).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
        expect(ids.has(testCase.id), `duplicate id ${testCase.id}`).toBe(false);
        ids.add(testCase.id);
      }
    }
    expect(ids.size).toBeGreaterThan(150);
  });

  for (const file of files) {
    const { topic, cases } = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as { topic: string; cases: CorpusCase[] };
    describe(`${file}: ${topic}`, () => {
      for (const testCase of cases) {
        it(`${testCase.id}: ${testCase.rule}`, () => {
          const result = runCase(testCase);
          if (testCase.expect === 'error') {
            expect(result, JSON.stringify(result)).toHaveProperty('error');
            return;
          }
          expect('error' in result ? result.error : undefined, 'the case must evaluate').toBeUndefined();
          if (!('decision' in result)) return;
          expect(result.decision, result.reason).toBe(testCase.expect);
          for (const wanted of testCase.expectMatched ?? []) {
            expect(result.matched).toContainEqual(expect.objectContaining(wanted));
          }
        });
      }
    });
  }
});
