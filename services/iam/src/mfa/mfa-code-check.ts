import { inAccountTransaction, type MfaDeviceRow, streamLockKey } from '@warden/db';
import { mfaSeedContext } from '../kernel/encryption-contexts.js';
import { InvalidAuthenticationCodeError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import { appendTo, systemWriter, writingFor } from '../service/write-spec.js';
import type { CallScope } from '../kernel/call-scope.js';
import { mfaDeviceDecider } from './mfa-device.decider.js';
import { enabledMfaDevices } from './mfa-device-lookups.js';
import { matchCode, SIGN_IN_WINDOW, stepAt } from './totp.js';

/** The device's seed, in the clear, held in memory only. Loads its data key first (outside any transaction). */
export async function deviceSeed(core: IamCore, device: MfaDeviceRow): Promise<string> {
  await core.keyring.ensure(device.seed.keyId);
  return core.keyring.decrypt(device.seed, mfaSeedContext(device.account_id, device.device_id));
}

/**
 * Checks an MFA code from one of the owner's enabled devices (the one named, when a serial number
 * is given) and consumes its time step, so that the code is refused if presented again. Returns
 * the device's serial number, or undefined when no device accepts the code.
 */
export async function acceptMfaCode(
  core: IamCore,
  accountId: string,
  ownerId: string,
  code: string,
  serialNumber: string | null,
  metadata: { actorArn: string; sourceIp?: string; requestId?: string },
  callScope?: CallScope,
): Promise<string | undefined> {
  const devices = await inAccountTransaction(core.db, accountId, (trx) => enabledMfaDevices(trx, accountId, ownerId));
  const now = core.clock.now();
  for (const device of devices) {
    if (serialNumber !== null && device.serial_number !== serialNumber) continue;
    const seed = await deviceSeed(core, device);
    const step = matchCode(seed, code, stepAt(now) + device.drift_steps, SIGN_IN_WINDOW, Number(device.last_used_step));
    if (step === undefined) continue;
    try {
      // Warden checks the code for whoever presents it (a sign-in, before anyone is authenticated).
      await core.write(writingFor(callScope, systemWriter(accountId, { ...metadata, resourceArn: device.serial_number }, now)), {
        locks: [streamLockKey(`mfa-device/${device.device_id}`)],
        appends: () => appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'AcceptMFACode' as const, ownerId, step }),
      });
      return device.serial_number;
    } catch (error) {
      // Another request used the same code first: a replay, refused.
      if (error instanceof InvalidAuthenticationCodeError) return undefined;
      throw error;
    }
  }
  return undefined;
}
