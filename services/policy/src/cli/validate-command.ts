import { readFile } from 'node:fs/promises';
import { type Finding, hasErrors } from '../finding.js';
import { type InlinePolicyTarget, POLICY_KINDS, type PolicyKind } from '../policy-kind.js';
import { validatePolicy } from '../validate-policy.js';
import { type CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, readAll, write } from './io.js';

export const VALIDATE_USAGE = `Usage: warden-policy validate [FILE|-] [--kind KIND] [--inline user|group|role] [--json]

Validates a policy document (from FILE, or standard input when FILE is - or absent) and prints its
findings, errors first. Exits 1 when a finding is an error.
  --kind KIND   where the policy is used: ${POLICY_KINDS.join(', ')} (default identity)
  --inline T    an inline identity policy embedded in a user, group or role (size limits differ)
  --json        print {"valid": …, "size": …, "findings": [...]} instead of text
`;

const INLINE_TARGETS: readonly InlinePolicyTarget[] = ['user', 'group', 'role'];

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  let kind: PolicyKind = 'identity';
  let inlineOn: InlinePolicyTarget | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--kind') {
      const value = args[++i];
      if (!POLICY_KINDS.includes(value as PolicyKind)) return usage(io, `--kind must be one of ${POLICY_KINDS.join(', ')}`);
      kind = value as PolicyKind;
    } else if (arg === '--inline') {
      const value = args[++i];
      if (!INLINE_TARGETS.includes(value as InlinePolicyTarget)) return usage(io, '--inline must be user, group or role');
      inlineOn = value as InlinePolicyTarget;
    } else if (arg.startsWith('--')) return usage(io, `unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else return usage(io, 'give at most one FILE');
  }
  let text: string;
  try {
    text = file === undefined || file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    await write(io.stderr, `warden-policy: cannot read ${file}: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  const result = validatePolicy(text, inlineOn ? { kind, inlineOn } : { kind });
  if (json) {
    await write(io.stdout, `${JSON.stringify({ valid: result.valid, size: result.size ?? null, findings: result.findings }, null, 2)}\n`);
  } else {
    await write(io.stdout, formatFindings(result.findings));
  }
  return hasErrors(result.findings) ? EXIT_FINDINGS : EXIT_OK;
}

const LABELS: Record<Finding['severity'], string> = {
  error: 'ERROR',
  security_warning: 'SECURITY WARNING',
  warning: 'WARNING',
  suggestion: 'SUGGESTION',
};

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings: the policy is valid.\n';
  const lines = findings.map((finding) => `${LABELS[finding.severity]} ${finding.code} at ${finding.path}: ${finding.message}`);
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  lines.push(errors > 0 ? `${errors} error(s): the policy is invalid.` : 'No errors: the policy is valid.');
  return `${lines.join('\n')}\n`;
}

async function usage(io: CliIo, problem: string): Promise<number> {
  await write(io.stderr, `warden-policy validate: ${problem}\n\n${VALIDATE_USAGE}`);
  return EXIT_USAGE;
}
