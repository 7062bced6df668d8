import type { AccessKeyStatus } from './access-key.types.js';

/** A long-term access key as it is listed: never its secret, which is shown once, at creation. */
export interface AccessKey {
  readonly accountId: string;
  /** AKIA… */
  readonly accessKeyId: string;
  /** The IAM user the key belongs to; null for the root user's keys. */
  readonly userName: string | null;
  readonly status: AccessKeyStatus;
  readonly createdAt: Date;
  /** When it last signed a request (updated at most once a minute); null when never used. */
  readonly lastUsedAt: Date | null;
  /** The action of that request. */
  readonly lastUsedAction: string | null;
}
