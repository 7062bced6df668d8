import type { IamObserver } from '../kernel/iam-observer.js';
import { type Database, inAccountTransaction } from '@warden/db';
import type { Kysely } from 'kysely';

import { rootArn } from '../kernel/arns.js';
import type { Caller, CallerSession } from '../kernel/command-context.js';

import type { SecretCipher } from '../keyring/live-keyring.js';
import type { AccountEpochs } from '../service/account-epochs.js';
import { secretContext, sessionSecretContext } from '../kernel/encryption-contexts.js';

/**
 * What the API needs to authenticate a signed request: the key's secret (decrypted, held only in
 * memory), whether the key is active, and who it belongs to. The key id → account lookup is the one
 * read made outside any account's row-level security; everything else is read inside the account.
 */
export interface ResolvedCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly active: boolean;
  readonly caller: Omit<Caller, 'requestContext'>;
  /** For temporary credentials: the hash of the session token a request must carry. */
  readonly sessionTokenHash?: string;
  /**
   * A role session issued before its role's revokeRoleSessions cut-off. Its key is not inactive:
   * the session is refused with its own reason, checked with the session's expiry once the
   * signature has verified, so that only the secret's holder learns it.
   */
  readonly revoked?: boolean;
}

async function accountOfAccessKey(db: Kysely<Database>, accessKeyId: string): Promise<string | undefined> {
  const lookup = await db.selectFrom('access_key_lookup').select('account_id').where('access_key_id', '=', accessKeyId).executeTakeFirst();
  return lookup?.account_id;
}

/** A secret under a data key this process has not loaded yet: load it, then resolve again. */
interface MissingKey {
  readonly missingKeyId: string;
}

/** `knownAccountId`: the key's account when the caller already looked it up. */
export async function resolveAccessKey(db: Kysely<Database>, keyring: SecretCipher, partition: string, accessKeyId: string, knownAccountId?: string): Promise<ResolvedCredential | undefined> {
  const accountId = knownAccountId ?? (await accountOfAccessKey(db, accessKeyId));
  if (accountId === undefined) return undefined;
  for (let attempt = 0; ; attempt++) {
    const result = await inAccountTransaction(db, accountId, (trx) =>
      accessKeyId.startsWith('ASIA') ? resolveSession(trx, keyring, accountId, accessKeyId) : resolveLongTermKey(trx, keyring, partition, accountId, accessKeyId),
    );
    if (result === undefined || !('missingKeyId' in result)) return result;
    if (attempt > 0) throw new Error(`the secret of ${accessKeyId} is under data key ${result.missingKeyId}, which the keyring does not have`);
    // Outside the transaction: the reload reads the store.
    await keyring.ensure(result.missingKeyId);
  }
}

async function resolveLongTermKey(trx: Kysely<Database>, keyring: SecretCipher, partition: string, accountId: string, accessKeyId: string): Promise<ResolvedCredential | MissingKey | undefined> {
  const key = await trx.selectFrom('access_keys').selectAll().where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).executeTakeFirst();
  if (!key) return undefined;
  if (!keyring.knows(key.secret.keyId)) return { missingKeyId: key.secret.keyId };
  const secretAccessKey = keyring.decrypt(key.secret, secretContext(accountId, accessKeyId));
  if (key.user_id === null) {
    return { accessKeyId, secretAccessKey, active: key.status === 'Active', caller: { accountId, arn: rootArn(partition, accountId), kind: 'root' as const, accessKeyId } };
  }
  const user = await trx.selectFrom('users').select(['user_id', 'user_name', 'arn']).where('account_id', '=', accountId).where('user_id', '=', key.user_id).executeTakeFirst();
  if (!user) return undefined;
  return {
    accessKeyId,
    secretAccessKey,
    active: key.status === 'Active',
    caller: { accountId, arn: user.arn, kind: 'user' as const, userId: user.user_id, userName: user.user_name, accessKeyId },
  };
}

/**
 * Temporary credentials: the session's secret and who it speaks for. A session whose role revoked
 * its older sessions is marked revoked; it and expiry are checked by the caller (expiry against the
 * request's time, so that a cached credential never outlives its session).
 */
async function resolveSession(trx: Kysely<Database>, keyring: SecretCipher, accountId: string, accessKeyId: string): Promise<ResolvedCredential | MissingKey | undefined> {
  const session = await trx.selectFrom('sessions').selectAll().where('account_id', '=', accountId).where('access_key_id', '=', accessKeyId).executeTakeFirst();
  if (!session) return undefined;
  if (!keyring.knows(session.secret.keyId)) return { missingKeyId: session.secret.keyId };
  const secretAccessKey = keyring.decrypt(session.secret, sessionSecretContext(accountId, accessKeyId));
  let active = true;
  let revoked = false;
  let userName: string | undefined;
  let userArn: string | undefined;
  let roleArn: string | null = null;
  if (session.role_id) {
    const role = await trx.selectFrom('roles').select(['sessions_revoked_before', 'arn']).where('account_id', '=', accountId).where('role_id', '=', session.role_id).executeTakeFirst();
    active = role !== undefined;
    roleArn = role?.arn ?? null;
    revoked = role !== undefined && role.sessions_revoked_before !== null && session.issued_at.getTime() < new Date(role.sessions_revoked_before).getTime();
  }
  if (session.user_id) {
    const user = await trx.selectFrom('users').select(['user_name', 'arn']).where('account_id', '=', accountId).where('user_id', '=', session.user_id).executeTakeFirst();
    if (!user) active = false;
    userName = user?.user_name;
    userArn = user?.arn;
  }
  const callerSession: CallerSession = {
    sessionId: session.session_id,
    kind: session.kind,
    roleId: session.role_id,
    roleArn,
    userId: session.user_id,
    sessionName: session.session_name,
    tags: session.tags,
    sessionPolicies: session.session_policies,
    sourceIdentity: session.source_identity,
    mfaAuthenticated: session.mfa_authenticated,
    mfaAuthenticatedAt: session.mfa_authenticated_at ? new Date(session.mfa_authenticated_at) : null,
    chained: session.chained,
    originAccountId: session.origin_account_id,
    issuedAt: new Date(session.issued_at),
    expiresAt: new Date(session.expires_at),
  };
  const kind = session.kind === 'assumed-role' ? 'assumed-role' : session.kind === 'federation' ? 'federated-user' : session.user_id ? 'user' : 'root';
  return {
    accessKeyId,
    secretAccessKey,
    active,
    sessionTokenHash: session.token_hash,
    revoked,
    caller: {
      accountId,
      // A user's own session (GetSessionToken, console) speaks for the user as it is now: renamed
      // or moved since the session was issued, it has the user's new ARN, as its long-term keys do.
      arn: kind === 'user' && userArn !== undefined ? userArn : session.principal_arn,
      kind,
      ...(session.user_id ? { userId: session.user_id } : {}),
      ...(userName && kind === 'user' ? { userName } : {}),
      accessKeyId,
      sessionId: session.session_id,
      session: callerSession,
    },
  };
}

/**
 * Resolves access keys for authentication, keeping what it resolved while nothing it was read from
 * has changed: one read of the account's change epoch (and its change log) per request, instead of
 * a transaction and a decryption. A long-term key depends on its user (whose stream holds the key's
 * events) or, for a root key, on the account's stream; a session's key on the session and its role
 * (or its user, or the account's stream for the root's). The key id → account mapping never changes, so it is kept as is.
 */
export interface CurrentCredential extends ResolvedCredential {
  readonly accountEpoch: string;
}

interface KeptCredential {
  readonly credential: CurrentCredential;
  /** The epoch it was resolved at (read after that epoch, so at least as new). */
  readonly resolvedAt: string;
  readonly dependsOn: readonly string[];
}

const MAX_CACHED_KEYS = 50_000;

/** What a resolved credential was read from, as kernel/changed-entity.ts names the entities. */
function dependenciesOf(credential: ResolvedCredential): string[] {
  const caller = credential.caller;
  const session = caller.session;
  // The root user's keys and its sessions' owner are events of the account's stream.
  const root = `account/${caller.accountId}`;
  if (session) {
    const owners = [...(session.roleId ? [`role/${session.roleId}`] : []), ...(session.userId ? [`user/${session.userId}`] : [])];
    return [`session/${session.sessionId}`, ...(owners.length > 0 ? owners : [root])];
  }
  return [caller.userId ? `user/${caller.userId}` : root];
}

export class CredentialResolver {
  private readonly accountOfKey = new Map<string, string>();
  private readonly resolved = new Map<string, KeptCredential>();
  /** Resolutions in flight by account and key id: concurrent misses for one key share one read and one decryption. */
  private readonly resolving = new Map<string, Promise<KeptCredential | undefined>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keyring: SecretCipher,
    private readonly partition: string,
    private readonly epochs: AccountEpochs,
    private readonly observer: IamObserver,
  ) {}

  async resolve(accessKeyId: string): Promise<CurrentCredential | undefined> {
    let accountId = this.accountOfKey.get(accessKeyId);
    if (accountId === undefined) {
      accountId = await accountOfAccessKey(this.db, accessKeyId);
      if (accountId === undefined) return undefined;
    }
    const epoch = await this.epochs.current(accountId);
    if (epoch === undefined) return undefined;
    const current = this.currentAt(accountId, this.resolved.get(accessKeyId), epoch);
    if (current) {
      this.observer.cache('credentials', 'hit');
      return current;
    }
    const flight = `${accountId}|${accessKeyId}`;
    const inFlight = this.resolving.get(flight);
    if (inFlight) {
      // Shared only when what it read is current at this request's epoch too.
      const shared = this.currentAt(accountId, await inFlight.catch(() => undefined), epoch);
      if (shared) {
        this.observer.cache('credentials', 'hit');
        return shared;
      }
    }
    this.observer.cache('credentials', 'miss');
    const started = this.resolveAt(accessKeyId, accountId, epoch).finally(() => {
      if (this.resolving.get(flight) === started) this.resolving.delete(flight);
    });
    this.resolving.set(flight, started);
    return (await started)?.credential;
  }

  /** The kept credential as of `epoch`, or undefined when something it depends on changed since it was read. */
  private currentAt(accountId: string, kept: KeptCredential | undefined, epoch: string): CurrentCredential | undefined {
    if (!kept) return undefined;
    if (kept.credential.accountEpoch === epoch) return kept.credential;
    if (!this.epochs.unchangedSince(accountId, kept.resolvedAt, kept.dependsOn, epoch)) return undefined;
    // The caller carries the epoch it was authenticated at: the caches of its policies are checked against it.
    const credential = { ...kept.credential, accountEpoch: epoch };
    if (this.resolved.get(kept.credential.accessKeyId) === kept) this.resolved.set(kept.credential.accessKeyId, { ...kept, credential });
    return credential;
  }

  private async resolveAt(accessKeyId: string, accountId: string, epoch: string): Promise<KeptCredential | undefined> {
    const fresh = await resolveAccessKey(this.db, this.keyring, this.partition, accessKeyId, accountId);
    if (!fresh) {
      this.resolved.delete(accessKeyId);
      this.accountOfKey.delete(accessKeyId);
      return undefined;
    }
    const kept: KeptCredential = { credential: { ...fresh, accountEpoch: epoch }, resolvedAt: epoch, dependsOn: dependenciesOf(fresh) };
    if (this.resolved.size >= MAX_CACHED_KEYS) {
      this.resolved.clear();
      this.accountOfKey.clear();
    }
    this.accountOfKey.set(accessKeyId, accountId);
    this.resolved.set(accessKeyId, kept);
    return kept;
  }
}
