/** One of a managed policy's stored versions (at most five, as AWS keeps them). */
export interface PolicyVersion {
  readonly policyId: string;
  /** `v1`, `v2`…, as AWS numbers them. */
  readonly versionId: string;
  readonly document: string;
  /** Whether it is the policy's version in force. */
  readonly isDefaultVersion: boolean;
  readonly createdAt: Date;
}
