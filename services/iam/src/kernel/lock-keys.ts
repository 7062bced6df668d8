/**
 * The lock keys of names, declared by every write that creates, renames or addresses an entity by
 * its name (names compare without regard to case), and of a managed policy's ARN, declared by every
 * write that attaches or deletes it.
 */
export function userNameKey(userName: string): string {
  return `user-name/${String(userName).toLowerCase()}`;
}

export function groupNameKey(groupName: string): string {
  return `group-name/${String(groupName).toLowerCase()}`;
}

export function roleNameKey(roleName: string): string {
  return `role-name/${String(roleName).toLowerCase()}`;
}

export function policyArnKey(policyArn: string): string {
  return `policy-arn/${policyArn}`;
}
