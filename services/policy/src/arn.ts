/**
 * Amazon Resource Names: `arn:partition:service:region:account-id:resource`. The resource part may
 * itself contain colons and slashes (`log-group:name:*`, `user/path/name`), so an ARN is split on its
 * first five colons only.
 */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

export const ARN_SEGMENT_COUNT = 6;

/** Splits on the first five colons; `undefined` when the text is not an ARN. */
export function splitArn(text: string): string[] | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < ARN_SEGMENT_COUNT - 1; i++) {
    const colon = text.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(text.slice(start, colon));
    start = colon + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

export function parseArn(text: string): Arn | undefined {
  const parts = splitArn(text);
  if (!parts) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = parts;
  if (partition === '' || service === '') return undefined;
  return { partition, service, region, account, resource };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

const ACCOUNT_ID = /^\d{12}$/;

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** The kinds of principal an IAM or STS ARN names, as policies' Principal elements see them. */
export type PrincipalArnKind = 'root' | 'user' | 'role' | 'assumed-role' | 'federated-user' | 'other';

export interface PrincipalArn {
  readonly arn: string;
  readonly partition: string;
  readonly account: string;
  readonly kind: PrincipalArnKind;
  /** For a role: its name (the last path component). For an assumed role: the role's name. */
  readonly roleName?: string;
}

export function parsePrincipalArn(text: string): PrincipalArn | undefined {
  const arn = parseArn(text);
  if (!arn || !isAccountId(arn.account)) return undefined;
  const base = { arn: text, partition: arn.partition, account: arn.account };
  const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { ...base, kind: 'root' };
    if (arn.resource.startsWith('user/') && name) return { ...base, kind: 'user' };
    if (arn.resource.startsWith('role/') && name) return { ...base, kind: 'role', roleName: name };
  }
  if (arn.service === 'sts') {
    const parts = arn.resource.split('/');
    if (parts[0] === 'assumed-role' && parts.length === 3 && parts[1] && parts[2]) return { ...base, kind: 'assumed-role', roleName: parts[1] };
    if (parts[0] === 'federated-user' && parts.length === 2 && parts[1]) return { ...base, kind: 'federated-user' };
  }
  return { ...base, kind: 'other' };
}
