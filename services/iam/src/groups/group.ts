/** An IAM group: its users inherit the policies attached to it and inline in it. */
export interface Group {
  readonly accountId: string;
  /** AGPA… */
  readonly groupId: string;
  readonly groupName: string;
  readonly path: string;
  readonly arn: string;
  readonly createdAt: Date;
}
