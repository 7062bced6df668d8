import type { Tag } from '../naming/index.js';

/** An IAM user: a person or application with long-term credentials. Its console password never leaves the write side. */
export interface User {
  readonly accountId: string;
  /** AIDA… */
  readonly userId: string;
  readonly userName: string;
  readonly path: string;
  readonly arn: string;
  readonly permissionsBoundaryArn: string | null;
  readonly tags: readonly Tag[];
  readonly createdAt: Date;
}
