import type { Decider } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidAuthenticationCodeError, InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { checkPath, checkTags } from '../naming/index.js';
import { evolveMfaDevice, INITIAL_MFA_DEVICE_STATE, type MfaDeviceEvent, type MfaDeviceState, type VirtualMfaDeviceCreatedData } from './mfa-device.events.js';

/**
 * The rules of a virtual MFA device, as AWS IAM's: created unassigned, enabled for one user (or
 * the root user) with two consecutive codes, deactivated back to unassigned, deleted only when
 * unassigned. Whether a code matches the seed is checked by the caller (it needs the seed and the
 * clock); this decider holds the rule that a time step is accepted once only.
 */
export type MfaDeviceCommand =
  | { type: 'CreateVirtualMFADevice'; data: VirtualMfaDeviceCreatedData }
  | { type: 'EnableMFADevice'; ownerId: string; ownerName: string; step: number }
  | { type: 'DeactivateMFADevice'; ownerId: string }
  | { type: 'ResyncMFADevice'; ownerId: string; step: number; driftSteps: number }
  | { type: 'AcceptMFACode'; ownerId: string; step: number }
  | { type: 'DeleteVirtualMFADevice' }
  | { type: 'ReencryptMFASeed'; seed: EncryptedSecretData };

/** AWS: the device name is 1–226 characters of letters, digits and +=,.@-. */
const DEVICE_NAME = /^[\w+=,.@-]{1,226}$/;

function requireDevice(state: MfaDeviceState): void {
  if (state.status === 'none' || state.status === 'deleted') throw new NoSuchEntityError('The MFA device cannot be found.');
}

function requireEnabledFor(state: MfaDeviceState, ownerId: string): void {
  requireDevice(state);
  if (state.status !== 'enabled' || state.ownerId !== ownerId) throw new NoSuchEntityError(`MFA device ${state.serialNumber} is not enabled for this user.`);
}

function requireNewStep(state: MfaDeviceState, step: number): void {
  if (!Number.isSafeInteger(step) || step <= state.lastUsedStep) throw new InvalidAuthenticationCodeError('That authentication code was already used; wait for the next one.');
}

export function decideMfaDevice(command: MfaDeviceCommand, state: MfaDeviceState): MfaDeviceEvent[] {
  switch (command.type) {
    case 'CreateVirtualMFADevice': {
      if (state.status !== 'none') throw new EntityAlreadyExistsError('MFADevice entity at the same path and name already exists.');
      if (!DEVICE_NAME.test(command.data.deviceName)) throw new InvalidInputError('VirtualMFADeviceName must be 1 to 226 characters of letters, digits and +=,.@_-.');
      const pathProblem = checkPath(command.data.path);
      if (pathProblem) throw new InvalidInputError(pathProblem);
      const tagProblem = checkTags(command.data.tags);
      if (tagProblem) throw new InvalidInputError(tagProblem);
      return [{ type: 'VirtualMFADeviceCreated', data: command.data }];
    }
    case 'EnableMFADevice':
      requireDevice(state);
      if (state.status === 'enabled') throw new EntityAlreadyExistsError(`MFA device ${state.serialNumber} is already in use.`);
      requireNewStep(state, command.step);
      return [{ type: 'MFADeviceEnabled', data: { ownerId: command.ownerId, ownerName: command.ownerName, step: command.step } }];
    case 'DeactivateMFADevice':
      requireEnabledFor(state, command.ownerId);
      return [{ type: 'MFADeviceDeactivated', data: { ownerId: command.ownerId } }];
    case 'ResyncMFADevice':
      requireEnabledFor(state, command.ownerId);
      requireNewStep(state, command.step);
      return [{ type: 'MFADeviceResynced', data: { step: command.step, driftSteps: command.driftSteps } }];
    case 'AcceptMFACode':
      // The owner read with the seed must still be the owner: a device moved meanwhile refuses.
      if (state.status !== 'enabled' || state.ownerId !== command.ownerId) throw new InvalidAuthenticationCodeError('The MFA device is not enabled for this principal.');
      requireNewStep(state, command.step);
      return [{ type: 'MFACodeAccepted', data: { step: command.step } }];
    case 'DeleteVirtualMFADevice':
      requireDevice(state);
      if (state.status === 'enabled') throw new DeleteConflictError(`MFA device ${state.serialNumber} is enabled: deactivate it first.`);
      return [{ type: 'VirtualMFADeviceDeleted', data: { serialNumber: state.serialNumber } }];
    case 'ReencryptMFASeed':
      if (state.status === 'none' || state.status === 'deleted') return [];
      return [{ type: 'MFASeedReencrypted', data: { seed: command.seed } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const mfaDeviceDecider: Decider<MfaDeviceCommand, MfaDeviceEvent, MfaDeviceState> = {
  initialState: INITIAL_MFA_DEVICE_STATE,
  evolve: evolveMfaDevice,
  decide: decideMfaDevice,
};
