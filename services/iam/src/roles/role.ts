import type { Tag } from '../naming/index.js';

/** An IAM role: permissions that the principals its trust policy names take on by assuming it. */
export interface Role {
  readonly accountId: string;
  /** AROA… */
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  readonly arn: string;
  /** The trust policy (AWS's AssumeRolePolicyDocument), as a JSON document. */
  readonly trustPolicy: string;
  readonly description: string | null;
  /** Seconds. */
  readonly maxSessionDuration: number;
  readonly permissionsBoundaryArn: string | null;
  readonly tags: readonly Tag[];
  readonly createdAt: Date;
}
