/**
 * Which services a set of identity policies allows (Access Advisor lists those: IAM User Guide,
 * "Refining permissions using last accessed information"), read from the policies' Allow
 * statements. Warden has no catalog of every AWS service: a service is known when a policy names it,
 * when a principal of the report used it, or when it is one Warden serves (iam, sts). A wildcard
 * service pattern (`*`, `s3*:…`) or a NotAction allows every known service it matches.
 */
export interface AllowedServices {
  /** Service namespaces (lower case) the policies allow some action of. */
  readonly services: ReadonlySet<string>;
  /** Actions named without a wildcard in an Allow statement, `service:Action`, the prefix in lower case. */
  readonly namedActions: ReadonlySet<string>;
}

/** The services Warden itself answers: known whether or not a policy names them. */
export const WARDEN_SERVICES = ['iam', 'sts'] as const;

interface AllowPattern {
  /** Matches a service namespace. */
  readonly service: (namespace: string) => boolean;
  /** A namespace named without wildcard, or undefined. */
  readonly literalService: string | undefined;
  /** The whole action when neither part has a wildcard. */
  readonly literalAction: string | undefined;
  /** `*` or `svc:*`: every action of the services it matches. */
  readonly wholeService: boolean;
}

export function allowedServices(documents: readonly string[], usedServices: Iterable<string>): AllowedServices {
  const patterns: AllowPattern[] = [];
  /** NotAction statements: each allows a service unless it excludes the whole service (`svc:*`). */
  const notActions: ((namespace: string) => boolean)[] = [];
  for (const document of documents) {
    for (const statement of statementsOf(document)) {
      if (statement['Effect'] !== 'Allow') continue;
      if (statement['Action'] !== undefined) for (const action of listOf(statement['Action'])) patterns.push(allowPattern(action));
      if (statement['NotAction'] !== undefined) {
        const excluded = listOf(statement['NotAction']).map(allowPattern);
        // A service is left out only when a NotAction entry covers all of it (`svc:*` or `*`).
        notActions.push((namespace) => !excluded.some((entry) => entry.wholeService && entry.service(namespace)));
      }
    }
  }
  const known = new Set<string>([...WARDEN_SERVICES, ...usedServices]);
  for (const pattern of patterns) if (pattern.literalService) known.add(pattern.literalService);
  const services = new Set<string>();
  for (const namespace of known) {
    if (patterns.some((pattern) => pattern.service(namespace)) || notActions.some((allows) => allows(namespace))) services.add(namespace);
  }
  const namedActions = new Set(patterns.flatMap((pattern) => (pattern.literalAction ? [pattern.literalAction] : [])));
  return { services, namedActions };
}

function allowPattern(action: string): AllowPattern {
  const colon = action.indexOf(':');
  if (colon < 0) return { service: action === '*' ? () => true : () => false, literalService: undefined, literalAction: undefined, wholeService: action === '*' };
  const service = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1);
  const serviceWild = /[*?]/.test(service);
  return {
    service: serviceWild ? globMatcher(service) : (namespace) => namespace === service,
    literalService: serviceWild ? undefined : service,
    literalAction: serviceWild || /[*?]/.test(name) ? undefined : `${service}:${name}`,
    wholeService: name === '*',
  };
}

/** IAM's wildcards: `*` any run of characters, `?` one; matched without regard to case. */
function globMatcher(pattern: string): (value: string) => boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'i');
  return (value) => regex.test(value);
}

function statementsOf(document: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    // A stored policy was validated when written; one that no longer parses allows nothing here.
    return [];
  }
  const statement = (parsed as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  return list.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
}

function listOf(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === 'string');
}
