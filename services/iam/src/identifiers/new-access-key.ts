/**
 * An access key as its creator receives it: the only time the secret is shown (a user's key from
 * `createAccessKey`, a new account's root key from `createAccount`).
 */
export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userName: string | null;
  readonly status: 'Active';
  readonly createDate: Date;
}
