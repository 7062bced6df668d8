/**
 * Deterministic, realistic policy sets and requests for the benchmark: several services, action
 * lists with wildcards, ARN resources with wildcards and policy variables, some Deny statements,
 * and conditions (IP ranges, tags, MFA, time, ForAnyValue over tag keys) on a share of statements.
 */
const SERVICES = ['s3', 'ec2', 'dynamodb', 'iam', 'sqs', 'sns', 'lambda', 'kms', 'logs', 'cloudwatch'] as const;
const VERBS = ['Get', 'List', 'Describe', 'Put', 'Create', 'Delete', 'Update', 'Tag'] as const;
const NOUNS = ['Object', 'Bucket', 'Item', 'Table', 'Queue', 'Topic', 'Function', 'Key', 'Instance', 'User'] as const;
const ACCOUNT = '111122223333';

/** A small seeded generator, so every run benchmarks the same policies. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function resourceFor(random: () => number, service: string, wildcard: boolean): string {
  const name = `res${Math.floor(random() * 20)}`;
  switch (service) {
    case 's3':
      return wildcard ? `arn:aws:s3:::bucket-${name}/*` : `arn:aws:s3:::bucket-${name}/data/\${aws:username}/*`;
    case 'iam':
      return `arn:aws:iam::${ACCOUNT}:${wildcard ? 'user/*' : `role/${name}`}`;
    default:
      return `arn:aws:${service}:us-east-1:${ACCOUNT}:${wildcard ? '*' : `thing/${name}`}`;
  }
}

const CONDITIONS: readonly ((random: () => number) => Record<string, unknown>)[] = [
  () => ({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }),
  (random) => ({ StringEquals: { 'aws:PrincipalTag/team': pick(random, ['blue', 'green', 'red']) } }),
  () => ({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
  () => ({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }),
  () => ({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['env*', 'team'] } }),
  () => ({ StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } }),
];

export function makePolicy(random: () => number, statements: number, conditionShare: number): object {
  const statement = [];
  for (let i = 0; i < statements; i++) {
    const service = pick(random, SERVICES);
    const actions = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (random() < 0.3 ? `${service}:${pick(random, VERBS)}*` : `${service}:${pick(random, VERBS)}${pick(random, NOUNS)}`));
    const resources = Array.from({ length: 1 + Math.floor(random() * 2) }, () => resourceFor(random, service, random() < 0.5));
    const entry: Record<string, unknown> = {
      Sid: `S${i}`,
      Effect: random() < 0.15 ? 'Deny' : 'Allow',
      Action: actions,
      Resource: resources,
    };
    if (random() < conditionShare) entry['Condition'] = pick(random, CONDITIONS)(random);
    statement.push(entry);
  }
  return { Version: '2012-10-17', Statement: statement };
}

export interface Scenario {
  readonly name: string;
  readonly policies: readonly object[];
}

export function makeScenario(name: string, policies: number, statements: number, conditionShare: number, seed: number): Scenario {
  const random = seededRandom(seed);
  return { name, policies: Array.from({ length: policies }, () => makePolicy(random, statements, conditionShare)) };
}

export interface BenchRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

export function makeRequests(count: number, seed: number): BenchRequest[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const service = pick(random, SERVICES);
    const user = `user${Math.floor(random() * 50)}`;
    return {
      principal: `arn:aws:iam::${ACCOUNT}:user/${user}`,
      action: `${service}:${pick(random, VERBS)}${pick(random, NOUNS)}`,
      resource: resourceFor(random, service, false).replace('${aws:username}', user).replace('/*', '/file.txt'),
      context: {
        'aws:username': user,
        'aws:SourceIp': random() < 0.5 ? '10.1.2.3' : '203.0.113.9',
        'aws:PrincipalTag/team': pick(random, ['blue', 'green', 'red']),
        'aws:MultiFactorAuthPresent': random() < 0.5 ? 'true' : 'false',
        'aws:CurrentTime': '2026-11-28T12:00:00Z',
        'aws:TagKeys': random() < 0.5 ? ['env', 'owner'] : ['cost-center'],
      },
    };
  });
}
