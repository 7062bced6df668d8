/** An access key secret as it is stored in events and read models: encrypted under the keyring. */
export interface EncryptedSecretData {
  readonly keyId: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

export type AccessKeyStatus = 'Active' | 'Inactive';
