import type { DomainEvent } from '../kernel/decider.js';

/**
 * The keyring's data keys, as events of the management account's `keyring/data-keys` stream: each
 * key is stored wrapped under the master key, never in the clear.
 */
export type KeyringEvent =
  | DomainEvent<'KeyringDataKeyCreated', { keyId: string; wrapped: string; activate: boolean }>
  /** No stored secret uses the key any more: it leaves the keyring. */
  | DomainEvent<'KeyringDataKeyRetired', { keyId: string }>;

export const KEYRING_STREAM = 'keyring/data-keys';
