import { describe, expect, it } from 'vitest';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { given } from '../kernel/decider-spec.js';
import { DeleteConflictError, EntityAlreadyExistsError, InvalidAuthenticationCodeError, InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { mfaDeviceDecider } from './mfa-device.decider.js';
import type { MfaDeviceEvent, VirtualMfaDeviceCreatedData } from './mfa-device.events.js';

const SEED: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const DATA: VirtualMfaDeviceCreatedData = { deviceId: 'd1', serialNumber: 'arn:aws:iam::111122223333:mfa/phone', deviceName: 'phone', path: '/', seed: SEED, tags: [] };
const created: MfaDeviceEvent = { type: 'VirtualMFADeviceCreated', data: DATA };
const enabled = (step: number, ownerId = 'AIDAUSER'): MfaDeviceEvent => ({ type: 'MFADeviceEnabled', data: { ownerId, ownerName: 'alice', step } });

describe('virtual MFA device', () => {
  it('is created unassigned, with a valid name and path', () => {
    expect(given(mfaDeviceDecider).when({ type: 'CreateVirtualMFADevice', data: DATA }).then([created])).toMatchObject({ status: 'unassigned', ownerId: null });
    given(mfaDeviceDecider, [created]).when({ type: 'CreateVirtualMFADevice', data: DATA }).thenThrows(EntityAlreadyExistsError, 'MFADevice entity at the same path and name already exists.');
    given(mfaDeviceDecider)
      .when({ type: 'CreateVirtualMFADevice', data: { ...DATA, deviceName: 'has space' } })
      .thenThrows(InvalidInputError);
    given(mfaDeviceDecider)
      .when({ type: 'CreateVirtualMFADevice', data: { ...DATA, path: 'no-slashes' } })
      .thenThrows(InvalidInputError);
  });

  it('is enabled for one owner; enabling an enabled device is EntityAlreadyExists', () => {
    expect(
      given(mfaDeviceDecider, [created])
        .when({ type: 'EnableMFADevice', ownerId: 'AIDAUSER', ownerName: 'alice', step: 100 })
        .then([enabled(100)]),
    ).toMatchObject({ status: 'enabled', lastUsedStep: 100 });
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'EnableMFADevice', ownerId: 'AIDAOTHER', ownerName: 'bob', step: 101 })
      .thenThrows(EntityAlreadyExistsError);
  });

  it('accepts each time step once only, and never one before the last accepted (no replay)', () => {
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'AcceptMFACode', ownerId: 'AIDAUSER', step: 101 })
      .then([{ type: 'MFACodeAccepted', data: { step: 101 } }]);
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'AcceptMFACode', ownerId: 'AIDAUSER', step: 100 })
      .thenThrows(InvalidAuthenticationCodeError);
    given(mfaDeviceDecider, [created, enabled(100), { type: 'MFACodeAccepted', data: { step: 105 } }])
      .when({ type: 'AcceptMFACode', ownerId: 'AIDAUSER', step: 104 })
      .thenThrows(InvalidAuthenticationCodeError);
    given(mfaDeviceDecider, [created]).when({ type: 'AcceptMFACode', ownerId: 'AIDAUSER', step: 1 }).thenThrows(InvalidAuthenticationCodeError);
    // A device re-enabled for someone else refuses the first owner's code.
    given(mfaDeviceDecider, [created, enabled(100, 'AIDAOTHER')])
      .when({ type: 'AcceptMFACode', ownerId: 'AIDAUSER', step: 101 })
      .thenThrows(InvalidAuthenticationCodeError);
  });

  it('is deactivated only by its owner, and deleted only once deactivated', () => {
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'DeactivateMFADevice', ownerId: 'AIDAOTHER' })
      .thenThrows(NoSuchEntityError);
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'DeleteVirtualMFADevice' })
      .thenThrows(DeleteConflictError);
    const off: MfaDeviceEvent = { type: 'MFADeviceDeactivated', data: { ownerId: 'AIDAUSER' } };
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'DeactivateMFADevice', ownerId: 'AIDAUSER' })
      .then([off]);
    given(mfaDeviceDecider, [created, enabled(100), off])
      .when({ type: 'DeleteVirtualMFADevice' })
      .then([{ type: 'VirtualMFADeviceDeleted', data: { serialNumber: DATA.serialNumber } }]);
    // Re-enabled later, the replay guard remembers the steps used before.
    given(mfaDeviceDecider, [created, enabled(100), off])
      .when({ type: 'EnableMFADevice', ownerId: 'AIDAUSER', ownerName: 'alice', step: 99 })
      .thenThrows(InvalidAuthenticationCodeError);
  });

  it('resyncs forward only, and re-encrypts the seed unless deleted', () => {
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'ResyncMFADevice', ownerId: 'AIDAUSER', step: 130, driftSteps: 20 })
      .then([{ type: 'MFADeviceResynced', data: { step: 130, driftSteps: 20 } }]);
    given(mfaDeviceDecider, [created, enabled(100)])
      .when({ type: 'ResyncMFADevice', ownerId: 'AIDAUSER', step: 90, driftSteps: -10 })
      .thenThrows(InvalidAuthenticationCodeError);
    given(mfaDeviceDecider, [created])
      .when({ type: 'ReencryptMFASeed', seed: SEED })
      .then([{ type: 'MFASeedReencrypted', data: { seed: SEED } }]);
    given(mfaDeviceDecider, [created, { type: 'VirtualMFADeviceDeleted', data: { serialNumber: DATA.serialNumber } }])
      .when({ type: 'ReencryptMFASeed', seed: SEED })
      .then([]);
  });
});
