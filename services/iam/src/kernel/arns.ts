/**
 * The ARNs of IAM entities, as AWS shapes them: the path sits between the resource type and the
 * name (`arn:aws:iam::111122223333:user/division/alice`).
 */
export type EntityKind = 'user' | 'group' | 'role' | 'policy';

export function entityArn(partition: string, accountId: string, kind: EntityKind, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:${kind}${path}${name}`;
}

/**
 * The ARN an entity has once renamed or moved (UpdateUser, UpdateGroup): same partition and
 * account as `arn`, the new path and name.
 */
export function movedEntityArn(arn: string, kind: EntityKind, path: string, name: string): string {
  const [, partition = '', , , accountId = ''] = arn.split(':');
  return entityArn(partition, accountId, kind, path, name);
}

export function rootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

export function awsManagedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The account id in an IAM ARN, `aws` for AWS-managed policies, or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' ? parts[4] : undefined;
}
