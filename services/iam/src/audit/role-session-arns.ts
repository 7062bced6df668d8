import { parseArn } from '@warden/policy';

/**
 * What every session of a role has in common: its ARN starts `arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/`.
 * The session's ARN carries the role's name but not its path (AWS's form), and role names are
 * unique in an account, so the prefix names the role's sessions; a role deleted and created again
 * under the same name shares it, as its ARN does. Undefined when the ARN is not a role's.
 */
export function assumedRoleSessionPrefix(roleArn: string): string | undefined {
  const arn = parseArn(roleArn);
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/') || !/^\d{12}$/.test(arn.account)) return undefined;
  const roleName = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
  if (roleName === '') return undefined;
  return `arn:${arn.partition}:sts::${arn.account}:assumed-role/${roleName}/`;
}
