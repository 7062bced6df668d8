import type { DomainEvent } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import type { Tag } from '../naming/index.js';

/**
 * Events of a virtual MFA device's stream (`mfa-device/DEVICE_ID`). The seed only ever appears
 * encrypted; a code never appears at all, only the time step it matched.
 */
export interface VirtualMfaDeviceCreatedData {
  readonly deviceId: string;
  readonly serialNumber: string;
  readonly deviceName: string;
  readonly path: string;
  readonly seed: EncryptedSecretData;
  readonly tags: Tag[];
}

/** `root` as owner id is the account's root user. */
export const ROOT_OWNER = 'root';

export type MfaDeviceEvent =
  | DomainEvent<'VirtualMFADeviceCreated', VirtualMfaDeviceCreatedData>
  | DomainEvent<'MFADeviceEnabled', { ownerId: string; ownerName: string; step: number }>
  | DomainEvent<'MFADeviceDeactivated', { ownerId: string }>
  | DomainEvent<'MFADeviceResynced', { step: number; driftSteps: number }>
  | DomainEvent<'MFACodeAccepted', { step: number }>
  | DomainEvent<'VirtualMFADeviceDeleted', { serialNumber: string }>
  | DomainEvent<'MFASeedReencrypted', { seed: EncryptedSecretData }>;

export interface MfaDeviceState {
  readonly status: 'none' | 'unassigned' | 'enabled' | 'deleted';
  readonly serialNumber: string;
  readonly ownerId: string | null;
  /** The newest time step whose code was accepted: no code of it or before it is accepted again. */
  readonly lastUsedStep: number;
}

export const INITIAL_MFA_DEVICE_STATE: MfaDeviceState = { status: 'none', serialNumber: '', ownerId: null, lastUsedStep: 0 };

export function evolveMfaDevice(state: MfaDeviceState, event: MfaDeviceEvent): MfaDeviceState {
  switch (event.type) {
    case 'VirtualMFADeviceCreated':
      return { ...INITIAL_MFA_DEVICE_STATE, status: 'unassigned', serialNumber: event.data.serialNumber };
    case 'MFADeviceEnabled':
      return { ...state, status: 'enabled', ownerId: event.data.ownerId, lastUsedStep: Math.max(state.lastUsedStep, event.data.step) };
    case 'MFADeviceDeactivated':
      return { ...state, status: 'unassigned', ownerId: null };
    case 'MFADeviceResynced':
    case 'MFACodeAccepted':
      return { ...state, lastUsedStep: Math.max(state.lastUsedStep, event.data.step) };
    case 'VirtualMFADeviceDeleted':
      return { ...state, status: 'deleted' };
    case 'MFASeedReencrypted':
      return state;
  }
}
