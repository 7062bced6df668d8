/**
 * What a change to a stream invalidates, as `account_changes` records it and caches depend on it:
 * the entity itself for the streams whose entities authorization and authentication cache
 * (a user with its keys, groups, inline and attached policies and boundary; a group with its
 * policies; a role with its policies and sessions' cut-off; a managed policy's versions; a session;
 * the account's own stream, which holds its root keys and settings and no principal's policies),
 * and `*` (the whole account) for anything else. A kind added later is therefore a change to
 * everything until it is named here.
 */
export const WHOLE_ACCOUNT = '*';

const ENTITY_STREAMS = ['account/', 'user/', 'group/', 'role/', 'policy/', 'session/', 'oidc-provider/', 'saml-provider/'];

export function changedEntity(streamId: string): string {
  return ENTITY_STREAMS.some((prefix) => streamId.startsWith(prefix)) ? streamId : WHOLE_ACCOUNT;
}

/** A customer managed policy's default version, as the store reads it: ARN, id, version id, document and its hash. */
export interface ManagedPolicyDefault {
  readonly arn: string;
  readonly id: string;
  readonly version: string;
  readonly document: string;
  readonly hash: string;
}

/** What caches ask of the change log: whether what they read is still current (`AccountEpochs` answers). */
export interface EntityChanges {
  /**
   * Whether something read at epoch `builtAt`, depending on the entities `dependsOn`, is still
   * current at epoch `at`: no change to any of them, nor to the whole account, since it was read.
   */
  unchangedSince(accountId: string, builtAt: string, dependsOn: readonly string[], at: string): boolean;
  /**
   * Which of `dependsOn`, read at `builtAt`, changed after it as far as epoch `at`, or `undefined`
   * when that is not known (a hint only: what is reloaded on it is checked against the store).
   */
  changedSince?(accountId: string, builtAt: string, dependsOn: readonly string[], at: string): readonly string[] | undefined;
  /**
   * The default versions at epoch `at` of the managed policies `entities` (`policy/ID`), as the
   * epoch reads brought them with their changes, or `undefined` unless all of them are known there.
   */
  policyDefaults?(accountId: string, entities: readonly string[], at: string): readonly ManagedPolicyDefault[] | undefined;
}
