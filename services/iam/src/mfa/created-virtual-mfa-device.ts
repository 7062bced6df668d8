/** A new virtual MFA device as its creator receives it: the only time its seed leaves Warden. */
export interface CreatedVirtualMfaDevice {
  readonly serialNumber: string;
  readonly base32StringSeed: string;
  readonly otpauthUri: string;
}

/** The issuer an authenticator app shows next to the account. */
export const TOTP_ISSUER = 'Warden';
