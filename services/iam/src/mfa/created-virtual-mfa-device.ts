import QRCode from 'qrcode';
import { totpUri } from './totp.js';

/** A new virtual MFA device as its creator receives it: the only time its seed leaves Warden. */
export interface CreatedVirtualMfaDevice {
  readonly serialNumber: string;
  readonly base32StringSeed: string;
  readonly otpauthUri: string;
  /** The otpauth URI as a QR code, a PNG image (AWS's QRCodePNG), for an authenticator app's camera. */
  readonly qrCodePng: Buffer;
}

/** The issuer an authenticator app shows next to the account. */
export const TOTP_ISSUER = 'Warden';

/**
 * The device's answer: its seed, the otpauth URI an authenticator app reads and that URI as a QR
 * code. AWS's QRCodePNG encodes `otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String`,
 * which is the URI's label here (`label`: the device's or its owner's name, `@`, the account's
 * alias or id).
 */
export async function createdVirtualMfaDevice(serialNumber: string, seed: string, label: string): Promise<CreatedVirtualMfaDevice> {
  const otpauthUri = totpUri(TOTP_ISSUER, label, seed);
  return { serialNumber, base32StringSeed: seed, otpauthUri, qrCodePng: await QRCode.toBuffer(otpauthUri, { type: 'png', errorCorrectionLevel: 'M' }) };
}
