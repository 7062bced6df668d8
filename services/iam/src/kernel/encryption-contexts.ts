/**
 * The context each kind of secret is encrypted under (authenticated data of the keyring's AES-GCM):
 * a secret decrypts only as what it was sealed as, for the account and entity it was sealed for, so
 * a ciphertext copied to another row, another entity or another account does not open. Every place
 * that seals or opens a secret builds its context here.
 */

export function secretContext(accountId: string, accessKeyId: string): string {
  return `access-key:${accountId}:${accessKeyId}`;
}

export function sessionSecretContext(accountId: string, accessKeyId: string): string {
  return `session:${accountId}:${accessKeyId}`;
}

export function mfaSeedContext(accountId: string, deviceId: string): string {
  return `mfa:${accountId}:${deviceId}`;
}

export function passwordContext(accountId: string, userId: string): string {
  return `password:${accountId}:${userId}`;
}

export function rootPasswordContext(accountId: string): string {
  return `password:${accountId}:root`;
}
