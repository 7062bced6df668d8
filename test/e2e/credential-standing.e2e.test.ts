import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { authenticate, AuthenticationError, type RunningWarden, type SignedRequest } from '@warden/api';
import { AccessDeniedError, type AuditEntry, type Caller, type CredentialStanding, IamService, LiveAuditTail } from '@warden/iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const READ_AUDIT = doc({ Effect: 'Allow', Action: ['warden:GetAuditEvents', 'sts:AssumeRole'], Resource: '*' });
const REGION = 'us-east-1';

/** What request authentication's refusal says about the credential. */
const AUTHENTICATION_REASONS: Readonly<Record<string, CredentialStanding>> = {
  UNKNOWN_ACCESS_KEY: 'UNKNOWN',
  INACTIVE_ACCESS_KEY: 'INACTIVE',
  SESSION_REVOKED: 'REVOKED',
  EXPIRED_TOKEN: 'EXPIRED',
};

/** What the live tail's AccessDenied says about it. */
function tailStanding(message: string): CredentialStanding {
  if (/\(inactive\)/.test(message)) return 'INACTIVE';
  if (/no longer exist/.test(message)) return 'UNKNOWN';
  if (/session was revoked/.test(message)) return 'REVOKED';
  if (/has expired/.test(message)) return 'EXPIRED';
  throw new Error(`not a credential refusal: ${message}`);
}

/**
 * Request authentication (services/api `authenticate`) and the live audit tail's re-check on each
 * read decide one question, whether a credential is still in force, through one function
 * (`credentialStanding`). The same credentials, each put out of force in its own way, are sent
 * through both, and the two answers compared.
 */
describe.each([...DRIVERS])('whether a credential is in force, asked by authentication and by the live tail (%s)', (driver) => {
  let warden: RunningWarden;
  /** The time both paths see: the service's clock, and each signed request's. */
  let now = new Date();
  let iam: IamService;
  let tails: LiveAuditTail;

  beforeAll(async () => {
    warden = await startTestWarden(driver);
    iam = new IamService({ db: warden.wardenDb.db, keyring: warden.iam.core.keyring, clock: { now: () => now } });
    tails = new LiveAuditTail(iam.core, iam.credentials, { perCaller: 10, perAccount: 50, pollIntervalMs: 10, pageSize: 50 });
  });
  afterAll(async () => {
    await warden.close();
  });

  /** A GraphQL request signed now with `credentials`, as the server receives it. */
  async function signed(credentials: Credentials): Promise<SignedRequest> {
    const body = JSON.stringify({ query: '{ callerIdentity { arn } }' });
    const signer = new SignatureV4({ service: 'warden', region: REGION, credentials, sha256: Sha256 });
    const request = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/graphql', query: {}, headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body },
      { signingDate: now },
    );
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    return { method: 'POST', path: '/graphql', query: '', headers, body };
  }

  /** Authentication's answer: the caller, or the standing its refusal names. */
  async function authenticated(credentials: Credentials): Promise<Caller | CredentialStanding> {
    const facts = { requestId: 'req-standing', sourceIp: '127.0.0.1', userAgent: undefined, secureTransport: false, now };
    try {
      return await authenticate(await signed(credentials), facts, { credentials: iam.credentials, region: REGION });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const standing = AUTHENTICATION_REASONS[String(error.extensions['reason'])];
      if (standing === undefined) throw error;
      return standing;
    }
  }

  /** The tail's answer at its next read: IN_FORCE when it delivers, else the standing its AccessDenied names. */
  async function tailAnswer(tail: AsyncIterator<AuditEntry>, root: Caller, userName: string): Promise<CredentialStanding> {
    await iam.users.create(root, { userName });
    try {
      const next = await tail.next();
      expect(next.done).toBe(false);
      return 'IN_FORCE';
    } catch (error) {
      if (!(error instanceof AccessDeniedError)) throw error;
      return tailStanding(error.message);
    }
  }

  it('answers alike for a credential in force, deactivated, deleted, revoked and expired', async () => {
    const { accountId } = await newTenant(warden);
    const root: Caller = { accountId, arn: `arn:aws:iam::${accountId}:root`, kind: 'root', requestContext: {} };
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' });
    /** A user allowed to read the audit and assume roles, and its access key. */
    const userKey = async (userName: string): Promise<Credentials> => {
      await iam.users.create(root, { userName });
      await iam.users.putInlinePolicy(root, userName, 'audit', READ_AUDIT);
      const key = await iam.accessKeys.create(root, userName);
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    };
    /** A session of a role of its own, assumed by a user of its own. */
    const roleSession = async (roleName: string): Promise<{ credentials: Credentials; expiration: Date }> => {
      const assumer = await authenticated(await userKey(`${roleName}-assumer`));
      if (typeof assumer === 'string') throw new Error(`the assumer is refused: ${assumer}`);
      const role = await iam.roles.create(root, { roleName, assumeRolePolicyDocument: trust });
      await iam.roles.putInlinePolicy(root, roleName, 'audit', READ_AUDIT);
      const assumed = await iam.sts.assumeRole(assumer, { roleArn: role.arn, roleSessionName: 'standing' });
      const { accessKeyId, secretAccessKey, sessionToken } = assumed.credentials;
      return { credentials: { accessKeyId, secretAccessKey, sessionToken }, expiration: new Date(assumed.credentials.expiration) };
    };

    const cases: { name: string; credentials: Credentials; change: () => Promise<void>; expected: CredentialStanding }[] = [];
    const kept = await userKey('kept');
    cases.push({ name: 'in force', credentials: kept, change: () => Promise.resolve(), expected: 'IN_FORCE' });
    const live = await roleSession('live');
    cases.push({ name: 'a session in force', credentials: live.credentials, change: () => Promise.resolve(), expected: 'IN_FORCE' });
    const deactivated = await userKey('deactivated');
    cases.push({ name: 'deactivated', credentials: deactivated, change: () => iam.accessKeys.update(root, deactivated.accessKeyId, 'Inactive'), expected: 'INACTIVE' });
    const deleted = await userKey('deleted');
    cases.push({ name: 'deleted', credentials: deleted, change: () => iam.accessKeys.delete(root, deleted.accessKeyId), expected: 'UNKNOWN' });
    const revoked = await roleSession('revoked');
    cases.push({ name: 'revoked', credentials: revoked.credentials, change: () => iam.sts.revokeRoleSessions(root, 'revoked'), expected: 'REVOKED' });
    const expiring = await roleSession('expiring');
    // Last: past its expiry, every session of the test has expired.
    cases.push({
      name: 'expired',
      credentials: expiring.credentials,
      change: () => {
        now = new Date(expiring.expiration.getTime() + 1000);
        return Promise.resolve();
      },
      expected: 'EXPIRED',
    });

    for (const [index, { name, credentials, change, expected }] of cases.entries()) {
      // Each case in its own second: a revocation refuses sessions issued before it, not at it.
      now = new Date(now.getTime() + 1000);
      const caller = await authenticated(credentials);
      if (typeof caller === 'string') throw new Error(`${name}: refused before its change: ${caller}`);
      const tail = await tails.follow(caller, {}, null, new AbortController().signal);
      try {
        await change();
        const byAuthentication = await authenticated(credentials);
        const byTail = await tailAnswer(tail, root, `probe-${index}`);
        expect({ name, byAuthentication: typeof byAuthentication === 'string' ? byAuthentication : 'IN_FORCE', byTail }).toEqual({ name, byAuthentication: expected, byTail: expected });
      } finally {
        await tail.return!();
      }
    }
  });
});
