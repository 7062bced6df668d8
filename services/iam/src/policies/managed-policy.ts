/** A customer-managed policy of an account: a named, versioned policy document that principals attach. */
export interface ManagedPolicy {
  readonly accountId: string;
  /** ANPA… */
  readonly policyId: string;
  readonly policyName: string;
  readonly path: string;
  readonly arn: string;
  readonly description: string | null;
  /** The version in force: `v1`, `v2`… */
  readonly defaultVersionId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
