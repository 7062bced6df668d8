import { validatePolicy } from '@warden/policy';

/**
 * A least-privilege identity policy from the actions a principal used (Access Analyzer's policy
 * generation): one Allow statement per service, its actions sorted, on every resource, since usage
 * is counted per action and not per resource, so no narrower Resource can be stated honestly.
 * Undefined when no action was used.
 */
export function suggestedPolicy(actions: Iterable<string>): string | undefined {
  const byService = new Map<string, Set<string>>();
  for (const action of actions) {
    const namespace = action.slice(0, action.indexOf(':'));
    const set = byService.get(namespace);
    if (set) set.add(action);
    else byService.set(namespace, new Set([action]));
  }
  if (byService.size === 0) return undefined;
  const sids = new Set<string>();
  const Statement = [...byService.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([namespace, used]) => {
      // Sids are unique in a policy: two prefixes that differ only by a dash get a number.
      let sid = sidOf(namespace);
      for (let n = 2; sids.has(sid); n++) sid = `${sidOf(namespace)}${n}`;
      sids.add(sid);
      return { Sid: sid, Effect: 'Allow', Action: [...used].sort(), Resource: '*' };
    });
  const document = JSON.stringify({ Version: '2012-10-17', Statement }, null, 2);
  // What is suggested must be a policy the store would accept; a failure here is a bug, not bad input.
  const result = validatePolicy(document, { kind: 'identity' });
  if (!result.valid) throw new Error(`The suggested policy is not valid: ${result.findings.find((finding) => finding.severity === 'error')?.message ?? 'unknown'}`);
  return document;
}

/** A Sid names the statement's service; a Sid holds only letters and digits. */
function sidOf(namespace: string): string {
  const letters = namespace.replace(/[^A-Za-z0-9]/g, '');
  return `Used${letters.charAt(0).toUpperCase()}${letters.slice(1)}`;
}
