/**
 * Seeded `warden-policy evaluate` cases shaped like a SaaS platform's tenants: each tenant (an
 * account) has a pool of customer-managed policies that its users and roles attach, each principal
 * has 3–20 policies (attached, through groups, inline), a third of statements carry conditions
 * (tags, IP ranges, MFA, time, regions, prefixes with policy variables), resources are ARNs with
 * wildcards and variables, some principals have a permissions boundary or a session policy, and
 * some requests meet a bucket policy or a role trust policy.
 */
import { seededRandom } from './policy-fixtures.js';

type Random = () => number;

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
const TEAMS = ['payments', 'search', 'platform', 'data', 'mobile'] as const;
const STAGES = ['dev', 'staging', 'prod'] as const;

/** Actions per service, as AWS names them (the case of the request varies, as callers write it). */
const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  s3: ['GetObject', 'PutObject', 'DeleteObject', 'ListBucket', 'GetObjectTagging', 'PutObjectTagging', 'GetBucketPolicy', 'ListAllMyBuckets'],
  dynamodb: ['GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem', 'DeleteItem', 'DescribeTable', 'BatchGetItem'],
  lambda: ['InvokeFunction', 'GetFunction', 'UpdateFunctionCode', 'ListFunctions', 'CreateFunction', 'DeleteFunction'],
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes', 'PurgeQueue'],
  sns: ['Publish', 'Subscribe', 'ListTopics', 'CreateTopic'],
  kms: ['Decrypt', 'Encrypt', 'GenerateDataKey', 'DescribeKey', 'ScheduleKeyDeletion'],
  logs: ['CreateLogStream', 'PutLogEvents', 'GetLogEvents', 'DescribeLogGroups', 'DeleteLogGroup'],
  ec2: ['DescribeInstances', 'StartInstances', 'StopInstances', 'TerminateInstances', 'RunInstances', 'DescribeVpcs'],
  iam: ['GetUser', 'ListUsers', 'CreateUser', 'PassRole', 'GetRole', 'AttachRolePolicy', 'CreateAccessKey'],
  sts: ['AssumeRole', 'GetCallerIdentity', 'TagSession'],
  cloudwatch: ['PutMetricData', 'GetMetricData', 'DescribeAlarms'],
  secretsmanager: ['GetSecretValue', 'DescribeSecret', 'PutSecretValue'],
};
const SERVICES = Object.keys(ACTIONS);

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

interface Tenant {
  readonly account: string;
  readonly buckets: readonly string[];
  readonly managed: readonly object[];
}

function resourcePattern(random: Random, tenant: Tenant, service: string): string {
  const { account } = tenant;
  const region = random() < 0.3 ? '*' : pick(random, REGIONS);
  const team = pick(random, TEAMS);
  switch (service) {
    case 's3': {
      const bucket = pick(random, tenant.buckets);
      return pick(random, [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}/home/\${aws:username}/*`, `arn:aws:s3:::${bucket}/${team}/*`, `arn:aws:s3:::${bucket}-*`]);
    }
    case 'dynamodb':
      return pick(random, [
        `arn:aws:dynamodb:${region}:${account}:table/${team}-*`,
        `arn:aws:dynamodb:${region}:${account}:table/orders`,
        `arn:aws:dynamodb:${region}:${account}:table/${team}-*/index/*`,
      ]);
    case 'lambda':
      return pick(random, [`arn:aws:lambda:${region}:${account}:function:${team}-*`, `arn:aws:lambda:${region}:${account}:function:svc-??-worker`]);
    case 'iam':
      return pick(random, [`arn:aws:iam::${account}:user/\${aws:username}`, `arn:aws:iam::${account}:role/app/${team}/*`, `arn:aws:iam::${account}:user/${team}/*`]);
    case 'sts':
      return `arn:aws:iam::${account}:role/app/${team}/*`;
    case 'kms':
      return `arn:aws:kms:${region}:${account}:key/*`;
    case 'logs':
      return `arn:aws:logs:${region}:${account}:log-group:/${team}/*`;
    case 'secretsmanager':
      return `arn:aws:secretsmanager:${region}:${account}:secret:${team}/*`;
    default:
      return random() < 0.5 ? '*' : `arn:aws:${service}:${region}:${account}:*`;
  }
}

const CONDITIONS: readonly ((random: Random, tenant: Tenant) => Record<string, unknown>)[] = [
  () => ({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }),
  (random) => ({ StringEquals: { 'aws:PrincipalTag/team': pick(random, TEAMS) } }),
  () => ({ StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }),
  () => ({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
  () => ({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }),
  () => ({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }),
  () => ({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['env*', 'team'] } }),
  () => ({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team', 'owner'] } }),
  () => ({ StringLike: { 's3:prefix': ['home/${aws:username}/*', 'shared/*'] } }),
  (random) => ({ StringEquals: { 'aws:RequestedRegion': [pick(random, REGIONS), 'us-east-1'] } }),
  (random) => ({ StringNotEquals: { 'aws:PrincipalTag/stage': pick(random, STAGES) } }),
  (random, tenant) => ({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${tenant.account}:role/app/${pick(random, TEAMS)}/*` } }),
  () => ({ NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } }),
  () => ({ Null: { 'aws:ResourceTag/owner': 'false' } }),
];

function statement(random: Random, tenant: Tenant, index: number): Record<string, unknown> {
  const service = random() < 0.1 ? pick(random, SERVICES) : pick(random, SERVICES.slice(0, 8));
  const actions = Array.from({ length: between(random, 1, 5) }, () => {
    const roll = random();
    if (roll < 0.2) return `${service}:${pick(random, ['Get', 'List', 'Describe', 'Put'])}*`;
    if (roll < 0.25) return `${service}:*`;
    return `${service}:${pick(random, ACTIONS[service]!)}`;
  });
  const entry: Record<string, unknown> = {
    Sid: `S${index}${pick(random, ['Read', 'Write', 'Admin', 'Ops'])}`,
    Effect: random() < 0.12 ? 'Deny' : 'Allow',
  };
  if (random() < 0.04) entry['NotAction'] = actions.length === 1 ? actions[0] : actions;
  else entry['Action'] = actions.length === 1 ? actions[0] : actions;
  const resources = Array.from({ length: between(random, 1, 3) }, () => resourcePattern(random, tenant, service));
  entry['Resource'] = resources.length === 1 ? resources[0] : resources;
  if (random() < 1 / 3) entry['Condition'] = pick(random, CONDITIONS)(random, tenant);
  return entry;
}

function policy(random: Random, tenant: Tenant, statements: number): object {
  return { Version: '2012-10-17', Statement: Array.from({ length: statements }, (_, i) => statement(random, tenant, i)) };
}

function makeTenant(random: Random, index: number): Tenant {
  const account = String(100000000000 + index * 7919).padStart(12, '0');
  const buckets = Array.from({ length: 4 }, (_, i) => `tenant${index}-${pick(random, ['assets', 'exports', 'uploads', 'logs'])}-${i}`);
  const draft: Tenant = { account, buckets, managed: [] };
  const managed = Array.from({ length: 40 }, () => policy(random, draft, between(random, 2, 12)));
  return { ...draft, managed };
}

function request(random: Random, tenant: Tenant, principal: string, user: string): Record<string, unknown> {
  const service = pick(random, SERVICES);
  let action = `${service}:${pick(random, ACTIONS[service]!)}`;
  if (random() < 0.1) action = action.toLowerCase();
  const team = pick(random, TEAMS);
  const region = pick(random, REGIONS);
  let resource: string;
  switch (service) {
    case 's3':
      resource = `arn:aws:s3:::${pick(random, tenant.buckets)}/${pick(random, [`home/${user}/notes.txt`, `${team}/report.csv`, 'index.html'])}`;
      break;
    case 'iam':
      resource = random() < 0.5 ? `arn:aws:iam::${tenant.account}:user/${user}` : `arn:aws:iam::${tenant.account}:role/app/${team}/worker`;
      break;
    case 'sts':
      resource = `arn:aws:iam::${tenant.account}:role/app/${team}/worker`;
      break;
    case 'dynamodb':
      resource = `arn:aws:dynamodb:${region}:${tenant.account}:table/${team}-orders`;
      break;
    case 'lambda':
      resource = `arn:aws:lambda:${region}:${tenant.account}:function:${pick(random, [`${team}-api`, 'svc-eu-worker'])}`;
      break;
    default:
      resource = `arn:aws:${service}:${region}:${tenant.account}:${team}/thing-${between(random, 1, 9)}`;
  }
  const context: Record<string, unknown> = {
    'aws:username': user,
    'aws:PrincipalArn': principal,
    'aws:SourceIp': random() < 0.6 ? `10.${between(random, 0, 255)}.1.7` : '203.0.113.9',
    'aws:PrincipalTag/team': team,
    'aws:PrincipalTag/stage': pick(random, STAGES),
    'aws:MultiFactorAuthPresent': random() < 0.5 ? 'true' : 'false',
    'aws:CurrentTime': '2026-12-05T12:00:00Z',
    'aws:RequestedRegion': region,
  };
  if (random() < 0.5) context['aws:MultiFactorAuthAge'] = String(between(random, 10, 7200));
  if (random() < 0.5) context['aws:ResourceTag/team'] = pick(random, TEAMS);
  if (random() < 0.4) context['aws:TagKeys'] = random() < 0.5 ? ['env', 'team'] : ['cost-center'];
  if (service === 's3' && random() < 0.5) context['s3:prefix'] = `home/${user}/`;
  return { principal, action, resource, context };
}

/**
 * `count` cases over tenants of 40 managed policies and principals of 3–20 policies each. With
 * `unshared`, every principal's policies are its own (no two principals attach the same policy),
 * the worst case for anything that recognises repeated documents.
 */
export function makeSaasCases(count: number, seed: number, options: { readonly unshared?: boolean } = {}): object[] {
  const random = seededRandom(seed);
  const tenants = Array.from({ length: 8 }, (_, i) => makeTenant(random, i));
  const cases: object[] = [];
  let principalIndex = 0;
  while (cases.length < count) {
    const tenant = pick(random, tenants);
    const user = `user${principalIndex++}`;
    const isRole = random() < 0.3;
    const principal = isRole ? `arn:aws:sts::${tenant.account}:assumed-role/app-${user}/session` : `arn:aws:iam::${tenant.account}:user/${user}`;
    const policyCount = between(random, 3, 20);
    const inline = Math.min(policyCount, between(random, 0, 2));
    const identityPolicies = [
      ...Array.from({ length: policyCount - inline }, () => (options.unshared ? policy(random, tenant, between(random, 2, 12)) : pick(random, tenant.managed))),
      ...Array.from({ length: inline }, () => policy(random, tenant, between(random, 1, 6))),
    ];
    const permissionBoundary = random() < 0.2 ? policy(random, tenant, 2) : null;
    const sessionPolicy = isRole && random() < 0.3 ? policy(random, tenant, 2) : null;
    // One principal asks several questions, as a simulator run over a principal does.
    for (let i = 0, questions = between(random, 1, 6); i < questions && cases.length < count; i++) {
      const req = request(random, tenant, principal, user);
      const entry: Record<string, unknown> = { id: `c${cases.length}`, identityPolicies, permissionBoundary, sessionPolicy, request: req };
      const action = String(req['action']).toLowerCase();
      if (action.startsWith('sts:assumerole')) {
        entry['resourcePolicy'] = {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.account}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalTag/team': pick(random, TEAMS) } } },
          ],
        };
      } else if (action.startsWith('s3:') && random() < 0.3) {
        entry['resourcePolicy'] = {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
            { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${tenant.account}:root` }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
          ],
        };
      }
      cases.push(entry);
    }
  }
  return cases;
}
