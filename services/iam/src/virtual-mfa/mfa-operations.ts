import { randomBytes } from 'node:crypto';
import { type Database, streamLockKey } from '@warden/db';
import type { Transaction } from 'kysely';
import { entityArn, rootArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { EntityAlreadyExistsError, InvalidAuthenticationCodeError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findUserRowByName } from '../users/user-repository.js';
import { requestTagContext } from '../authorization/tag-context.js';
import { userNameKey } from '../kernel/lock-keys.js';
import { appendTo } from '../service/write-spec.js';
import { mfaDeviceDecider } from '../mfa/mfa-device.decider.js';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import type { MfaDevice } from '../mfa/mfa-device.js';
import { countEnabledMfaDevices, findMfaDevice } from '../mfa/mfa-device-lookups.js';
import { listMfaDevicesOf, listVirtualMfaDevices } from '../mfa/mfa-device-repository.js';
import { ENABLE_WINDOW, matchConsecutiveCodes, newTotpSeed, RESYNC_WINDOW, stepAt } from '../mfa/totp.js';
import { type CreatedVirtualMfaDevice, createdVirtualMfaDevice } from '../mfa/created-virtual-mfa-device.js';
import { deviceSeed } from '../mfa/mfa-code-check.js';
import { mfaSeedContext } from '../kernel/encryption-contexts.js';

/**
 * Virtual MFA devices, as AWS IAM's CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice,
 * ResyncMFADevice, DeleteVirtualMFADevice and ListMFADevices / ListVirtualMFADevices (the code check
 * that sign-in and GetSessionToken use is `mfa-code-check.ts`). The seed leaves Warden once, in the
 * answer to create.
 */
/** Who an MFA operation is about: an IAM user, or the root user (the caller itself, when no user is named). */
interface MfaOwner {
  readonly ownerId: string;
  readonly ownerName: string;
  readonly arn: string;
}

interface FoundOwner extends MfaOwner {
  readonly exists: boolean;
}

function requireOwner(found: FoundOwner): MfaOwner {
  if (!found.exists) throw new NoSuchEntityError(`The user with name ${found.ownerName} cannot be found.`);
  return { ownerId: found.ownerId, ownerName: found.ownerName, arn: found.arn };
}

export class MfaOperations {
  constructor(private readonly core: IamCore) {}

  /** The user named, or the caller itself; authorized for `action` before anything else is told. */
  private async owner(trx: Transaction<Database>, caller: Caller, userName: string | null | undefined, action: string): Promise<MfaOwner> {
    const found = await this.findOwner(trx, caller, userName);
    await this.core.authorize(trx, caller, action, found.arn);
    return requireOwner(found);
  }

  /**
   * The owner named (the user, or the caller itself), with the ARN to authorize on whether or not
   * the user exists: a missing user is named by its ARN at path "/", and reported only once the
   * caller may act on that ARN (`requireOwner`).
   */
  private async findOwner(trx: Transaction<Database>, caller: Caller, userName: string | null | undefined): Promise<FoundOwner> {
    if (!userName) {
      if (caller.kind === 'root') return { ownerId: ROOT_OWNER, ownerName: 'root', arn: rootArn(this.core.partition, caller.accountId), exists: true };
      if (!caller.userName) throw new InvalidInputError('userName is required when the caller is not an IAM user or the root user.');
      userName = caller.userName;
    }
    const user = await findUserRowByName(trx, caller.accountId, userName);
    if (!user) return { ownerId: '', ownerName: userName, arn: entityArn(this.core.partition, caller.accountId, 'user', '/', userName), exists: false };
    return { ownerId: user.user_id, ownerName: user.user_name, arn: user.arn, exists: true };
  }

  async createVirtualMFADevice(caller: Caller, input: { virtualMFADeviceName: string; path?: string | null; tags?: readonly Tag[] | null }): Promise<CreatedVirtualMfaDevice> {
    const path = input.path ?? '/';
    const serialNumber = `arn:${this.core.partition}:iam::${caller.accountId}:mfa${path}${input.virtualMFADeviceName}`;
    const deviceId = randomBytes(12).toString('hex');
    const seed = newTotpSeed();
    const sealed = this.core.keyring.encrypt(seed, mfaSeedContext(caller.accountId, deviceId));
    const tags = [...(input.tags ?? [])];
    // AWS: the virtual MFA devices of an account, assigned or not, are limited to its users quota.
    const serialKey = `mfa-serial/${serialNumber.toLowerCase()}`;
    const { answer: account } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.virtualMfaDevices, serialKey, streamLockKey(`mfa-device/${deviceId}`)],
      permissions: () => [{ action: 'iam:CreateVirtualMFADevice', resource: serialNumber, context: requestTagContext(tags) }],
      appends: async (_loaded, trx) => {
        await this.core.requireBelowQuota(trx, caller.accountId, 'mfa_devices', (await this.core.quotas(trx, caller.accountId)).users, 'VirtualMFADevicesPerAccount');
        const command = { type: 'CreateVirtualMFADevice' as const, data: { deviceId, serialNumber, deviceName: input.virtualMFADeviceName, path, seed: sealed, tags } };
        return appendTo(mfaDeviceDecider, `mfa-device/${deviceId}`, command, { lockKeys: [serialKey] });
      },
      answer: (trx) => trx.selectFrom('accounts').select('alias').where('account_id', '=', caller.accountId).executeTakeFirst(),
    });
    return createdVirtualMfaDevice(serialNumber, seed, `${input.virtualMFADeviceName}@${account?.alias ?? caller.accountId}`);
  }

  /** Reads the device named by the caller, once the caller may act on its owner. */
  private async deviceFor(caller: Caller, userName: string | null | undefined, serialNumber: string, action: string) {
    return this.core.read(caller, async (trx) => {
      const owner = await this.owner(trx, caller, userName, action);
      const device = await findMfaDevice(trx, caller.accountId, serialNumber);
      if (!device) throw new NoSuchEntityError(`MFA device ${serialNumber} cannot be found.`);
      return { owner, device };
    });
  }

  async enableMFADevice(caller: Caller, input: { userName?: string | null; serialNumber: string; authenticationCode1: string; authenticationCode2: string }): Promise<void> {
    const { owner, device } = await this.deviceFor(caller, input.userName, input.serialNumber, 'iam:EnableMFADevice');
    if (device.owner_id !== null) throw new EntityAlreadyExistsError(`MFA device ${device.serial_number} is already in use.`);
    const seed = await deviceSeed(this.core, device);
    const step = matchConsecutiveCodes(seed, input.authenticationCode1, input.authenticationCode2, stepAt(this.core.clock.now()), ENABLE_WINDOW, Number(device.last_used_step));
    if (step === undefined) throw new InvalidAuthenticationCodeError('Authentication codes for the MFA device are not valid: give two consecutive codes from the device.');
    const isUser = owner.ownerId !== ROOT_OWNER;
    await this.core.write(caller, {
      // The user's stream lock, which deleteUser also takes, held before the user is read again: it
      // still exists and has room for another device, and stays so until this commits.
      locks: [streamLockKey(`mfa-device/${device.device_id}`), ...(isUser ? [streamLockKey(`user/${owner.ownerId}`)] : [])],
      load: async (trx) => {
        if (!isUser) return { ownerName: owner.ownerName, quota: 0, enabled: 0 };
        const still = await trx.selectFrom('users').select('user_name').where('account_id', '=', caller.accountId).where('user_id', '=', owner.ownerId).executeTakeFirst();
        return { ownerName: still?.user_name, quota: (await this.core.quotas(trx, caller.accountId)).mfaDevicesPerUser, enabled: await countEnabledMfaDevices(trx, caller.accountId, owner.ownerId) };
      },
      permissions: () => [{ action: 'iam:EnableMFADevice', resource: owner.arn }],
      appends: ({ ownerName, quota, enabled }) => {
        if (ownerName === undefined) throw new NoSuchEntityError(`The user with name ${owner.ownerName} cannot be found.`);
        if (isUser && enabled >= quota) throw new LimitExceededError(`Cannot exceed quota for MFADevicesPerUser: ${quota}.`);
        // The name as it is under the lock, which UpdateUser's append also takes: a rename
        // committed since the owner was read is not undone by this event.
        return appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'EnableMFADevice' as const, ownerId: owner.ownerId, ownerName, step });
      },
    });
  }

  async deactivateMFADevice(caller: Caller, input: { userName?: string | null; serialNumber: string }): Promise<void> {
    await this.core.write(caller, {
      locks: input.userName ? [userNameKey(input.userName)] : [],
      load: async (trx) => ({ owner: await this.findOwner(trx, caller, input.userName), device: await findMfaDevice(trx, caller.accountId, input.serialNumber) }),
      permissions: ({ owner }) => [{ action: 'iam:DeactivateMFADevice', resource: owner.arn }],
      appends: ({ owner: found, device }) => {
        const owner = requireOwner(found);
        if (!device) throw new NoSuchEntityError(`MFA device ${input.serialNumber} cannot be found.`);
        return appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'DeactivateMFADevice' as const, ownerId: owner.ownerId });
      },
    });
  }

  /** Learns how far the device's clock is off from two consecutive codes, searched up to an hour either way. */
  async resyncMFADevice(caller: Caller, input: { userName?: string | null; serialNumber: string; authenticationCode1: string; authenticationCode2: string }): Promise<void> {
    const { owner, device } = await this.deviceFor(caller, input.userName, input.serialNumber, 'iam:ResyncMFADevice');
    if (device.owner_id !== owner.ownerId) throw new NoSuchEntityError(`MFA device ${input.serialNumber} is not enabled for this user.`);
    const seed = await deviceSeed(this.core, device);
    const now = stepAt(this.core.clock.now());
    const step = matchConsecutiveCodes(seed, input.authenticationCode1, input.authenticationCode2, now, RESYNC_WINDOW, Number(device.last_used_step));
    if (step === undefined) throw new InvalidAuthenticationCodeError('Authentication codes for the MFA device are not valid: give two consecutive codes from the device.');
    await this.core.write(caller, {
      locks: [streamLockKey(`mfa-device/${device.device_id}`)],
      permissions: () => [{ action: 'iam:ResyncMFADevice', resource: owner.arn }],
      appends: () => appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'ResyncMFADevice' as const, ownerId: owner.ownerId, step, driftSteps: step - now }),
    });
  }

  async deleteVirtualMFADevice(caller: Caller, serialNumber: string): Promise<void> {
    await this.core.write(caller, {
      locks: [`mfa-serial/${serialNumber.toLowerCase()}`],
      load: (trx) => findMfaDevice(trx, caller.accountId, serialNumber),
      lockedAfterLoad: (device) => (device ? [streamLockKey(`mfa-device/${device.device_id}`)] : []),
      permissions: () => [{ action: 'iam:DeleteVirtualMFADevice', resource: serialNumber }],
      appends: (device) => {
        if (!device) throw new NoSuchEntityError(`MFA device ${serialNumber} cannot be found.`);
        return appendTo(mfaDeviceDecider, `mfa-device/${device.device_id}`, { type: 'DeleteVirtualMFADevice' as const });
      },
    });
  }

  /**
   * AWS's ListMFADevices: the devices of the user named, or of the caller itself; with an
   * assignment status, AWS's ListVirtualMFADevices: every virtual device of the account.
   */
  async list(caller: Caller, input: { userName?: string | null; assignmentStatus?: 'Assigned' | 'Unassigned' | 'Any' | null }): Promise<MfaDevice[]> {
    return this.core.read(caller, async (trx) => {
      if (input.assignmentStatus == null) {
        const owner = await this.owner(trx, caller, input.userName, 'iam:ListMFADevices');
        return listMfaDevicesOf(trx, caller.accountId, owner.ownerId);
      }
      if (input.userName != null) throw new InvalidInputError('Give userName (ListMFADevices) or assignmentStatus (ListVirtualMFADevices), not both.');
      await this.core.authorize(trx, caller, 'iam:ListVirtualMFADevices', '*');
      return listVirtualMfaDevices(trx, caller.accountId, input.assignmentStatus);
    });
  }
}
