/** A secret as events and read models store it: encrypted under the keyring (see `encryption-contexts.ts`). */
export interface EncryptedSecretData {
  readonly keyId: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}
