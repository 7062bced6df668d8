import { readJson } from '../json-document.js';
import { type CaseResult, runCase } from './evaluation-case.js';
import { PolicyCache } from './policy-cache.js';
import { type CliIo, EXIT_OK, EXIT_USAGE, readAll, write } from './io.js';

export const EVALUATE_USAGE = `Usage: warden-policy evaluate < cases.json

Reads a JSON array of cases on standard input and writes a JSON array of results, in input order:
  {"id", "identityPolicies": [DOC…], "resourcePolicy": DOC|null, "resourcePolicyType": "resource"|"trust",
   "permissionBoundary": DOC|null, "sessionPolicy": DOC|[DOC…]|null,
   "request": {"principal", "action", "resource", "context": {KEY: VALUE|[VALUES]}, "resourceAccount"}}
  → {"id", "decision": "allow"|"explicit_deny"|"implicit_deny", "matched": [...], "reason"}
  or {"id", "error"} when a case cannot be evaluated (the other cases are still answered).
  Exits 2 when standard input is not a JSON array.
`;

export async function evaluateCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length > 0) {
    await write(io.stderr, `warden-policy evaluate: unexpected argument ${args[0]}\n\n${EVALUATE_USAGE}`);
    return EXIT_USAGE;
  }
  // Policy documents sit at depth 2 (a case's permissionBoundary, or its list of identity policies) or 3 (identityPolicies[i]).
  const read = readJson(await readAll(io.stdin), { shareRepeats: { fromDepth: 2, toDepth: 3 } });
  if (!read.ok) {
    await write(io.stderr, `warden-policy evaluate: ${read.findings[0]!.message}\n`);
    return EXIT_USAGE;
  }
  if (!Array.isArray(read.value)) {
    await write(io.stderr, 'warden-policy evaluate: standard input must be a JSON array of cases\n');
    return EXIT_USAGE;
  }
  // Duplicate keys inside a case (say two "Effect"s in one statement) make that case an error.
  const duplicatesByCase = new Map<number, string>();
  for (const finding of read.findings) {
    const index = Number(/^\$\[(\d+)\]/.exec(finding.path)?.[1]);
    if (Number.isInteger(index) && !duplicatesByCase.has(index)) duplicatesByCase.set(index, `${finding.path}: ${finding.message}`);
  }
  const cache = new PolicyCache();
  const results: CaseResult[] = read.value.map((raw, index) => {
    const duplicate = duplicatesByCase.get(index);
    if (duplicate === undefined) return runCase(raw, cache);
    const id = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw['id'] ?? null) : null;
    return { id, error: duplicate };
  });
  await write(io.stdout, `[\n${results.map((result) => JSON.stringify(result)).join(',\n')}\n]\n`);
  return EXIT_OK;
}
