import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AccessDeniedError, ExpiredTokenError, IamService, IdpCommunicationError, InvalidIdentityTokenError, InvalidInputError, PackedPolicyTooLargeError, replayReadModels } from '../src/index.js';
import { type Caller } from '../src/kernel/command-context.js';
import { startTestIssuer, type TestIssuer } from './oidc-issuer.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, frozenFolds } from './test-service.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each([...DRIVERS])('assumeRoleWithWebIdentity on %s', (driver) => {
  let service: ServiceUnderTest;
  let idp: TestIssuer;
  let other: TestIssuer;
  let iam: IamService;
  /** Moves the service's clock, for the key cache's lifetimes. */
  let offsetMs = 0;
  beforeAll(async () => {
    service = await openService(driver);
    idp = await startTestIssuer('acme');
    other = await startTestIssuer('other');
    iam = new IamService({
      streamFolds: frozenFolds(),
      db: service.wardenDb.db,
      keyring: service.iam.core.keyring,
      clock: { now: () => new Date(Date.now() + offsetMs) },
      oidcCaFile: idp.caFile,
      oidcAllowedHosts: ['127.0.0.1'],
    });
  });
  afterAll(async () => {
    await idp.close();
    await other.close();
    await service.wardenDb.close();
  });

  async function setUp(
    condition: object = { StringEquals: { [`${idp.url}:aud`]: 'sts.amazonaws.com' } },
    extraActions: string[] = [],
  ): Promise<{ root: Caller; roleArn: string; providerArn: string }> {
    const root = await newAccount(service);
    const provider = await iam.oidcProviders.create(root, { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: ['sts:AssumeRoleWithWebIdentity', ...extraActions], Condition: condition }] };
    const role = await iam.roles.create(root, { roleName: 'ci', assumeRolePolicyDocument: JSON.stringify(trust) });
    await iam.roles.putInlinePolicy(root, 'ci', 'read', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }));
    return { root, roleArn: role.arn, providerArn: provider.arn };
  }

  const claims = { sub: 'repo:acme/app:ref:refs/heads/main', aud: 'sts.amazonaws.com' };
  const assume = (roleArn: string, webIdentityToken: string, extra: object = {}) =>
    iam.webIdentity.assumeRoleWithWebIdentity({ roleArn, roleSessionName: 'build-42', webIdentityToken, ...extra }, { sourceIp: '192.0.2.10' });

  it('exchanges a valid token for an assumed-role session that names the provider and the subject', async () => {
    const { root, roleArn, providerArn } = await setUp();
    const answer = await assume(roleArn, await idp.sign(claims));
    expect(answer).toMatchObject({
      subjectFromWebIdentityToken: claims.sub,
      provider: idp.issuer,
      audience: 'sts.amazonaws.com',
      assumedRoleUser: { arn: `arn:aws:sts::${root.accountId}:assumed-role/ci/build-42` },
    });
    expect(answer.credentials.accessKeyId).toMatch(/^ASIA/);
    const event = await inAccountTransaction(service.wardenDb.db, root.accountId, (trx) =>
      trx.selectFrom('events').select(['data', 'metadata']).where('account_id', '=', root.accountId).where('type', '=', 'SessionIssued').executeTakeFirstOrThrow(),
    );
    expect(event.metadata).toMatchObject({ actorArn: providerArn, sourceIp: '192.0.2.10' });
    expect((event.data as { webIdentity: object }).webIdentity).toMatchObject({ providerArn, subject: claims.sub, audience: 'sts.amazonaws.com' });
    // Never the token itself.
    expect(JSON.stringify(event)).not.toContain((await idp.sign(claims)).split('.')[2]);
    // The session is an ordinary one: authentication resolves it as the assumed role.
    const resolved = await iam.credentials.resolve(answer.credentials.accessKeyId);
    expect(resolved?.caller.arn).toBe(`arn:aws:sts::${root.accountId}:assumed-role/ci/build-42`);
  });

  it('accepts a token once only (replay is InvalidIdentityToken), and replay of the read models keeps that', async () => {
    const { root, roleArn } = await setUp();
    const token = await idp.sign(claims);
    await assume(roleArn, token);
    await expect(assume(roleArn, token)).rejects.toThrow(InvalidIdentityTokenError);
    const report = await replayReadModels(service.wardenDb.db, { accountId: root.accountId });
    expect(report.tables.find((table) => table.table === 'used_federation_tokens')).toMatchObject({ live: 1, rebuilt: 1, equal: true });
    await expect(assume(roleArn, token)).rejects.toThrow(/already used/);
  });

  it('lets one of several requests racing with one token through, and refuses the others', async () => {
    const { roleArn } = await setUp();
    const token = await idp.sign(claims);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => assume(roleArn, token, { roleSessionName: `race-${i}` })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InvalidIdentityTokenError);
  });

  it('refuses a wrong audience, an expired token, a future nbf and a future iat', async () => {
    const { roleArn } = await setUp();
    await expect(assume(roleArn, await idp.sign({ ...claims, aud: 'someone-else' }))).rejects.toThrow(/Incorrect token audience/);
    const now = Math.floor(Date.now() / 1000);
    await expect(assume(roleArn, await idp.sign({ ...claims, iat: now - 4000, exp: now - 3600 }))).rejects.toThrow(ExpiredTokenError);
    await expect(assume(roleArn, await idp.sign({ ...claims, nbf: now + 3600 }))).rejects.toThrow(/not valid yet/);
    await expect(assume(roleArn, await idp.sign({ ...claims, iat: now + 3600, exp: now + 7200 }))).rejects.toThrow(/issued in the future/);
    // Within the five minutes of skew, a token just expired or not quite valid yet is accepted.
    await assume(roleArn, await idp.sign({ ...claims, iat: now - 700, exp: now - 60 }));
    await assume(roleArn, await idp.sign({ ...claims, nbf: now + 60 }));
  });

  it('refuses alg none, HS256 signed with the public key, and a token of another issuer', async () => {
    const { roleArn } = await setUp();
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: idp.issuer, iat: now, exp: now + 600 })}.`;
    await expect(assume(roleArn, unsigned)).rejects.toThrow(InvalidIdentityTokenError);
    const { SignJWT } = await import('jose');
    const hmac = await new SignJWT({ ...claims, iss: idp.issuer, iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'HS256', kid: 'acme-1' })
      .sign(new TextEncoder().encode(await idp.publicKeyPem()));
    await expect(assume(roleArn, hmac)).rejects.toThrow(/only asymmetric algorithms/);
    // Another issuer, not registered in the account.
    await expect(assume(roleArn, await other.sign(claims))).rejects.toThrow(/No OpenIDConnect provider found in your account for https:\/\/127\.0\.0\.1:\d+\/realms\/other/);
    // Another issuer's key claiming to be this issuer.
    await expect(assume(roleArn, await other.sign({ ...claims, iss: idp.issuer }, { kid: 'acme-1' }))).rejects.toThrow(/signature does not verify/);
    // A payload changed after signing.
    const [header, , signature] = (await idp.sign(claims)).split('.');
    await expect(assume(roleArn, `${header}.${b64({ ...claims, sub: 'repo:evil/x', iss: idp.issuer, iat: now, exp: now + 600 })}.${signature}`)).rejects.toThrow(/signature does not verify/);
  });

  it('fetches the keys again for an unknown kid (the provider rotated), at most once per 30 s', async () => {
    const { roleArn } = await setUp();
    await assume(roleArn, await idp.sign(claims));
    const fetches = () => idp.hits.get('/realms/acme/keys') ?? 0;
    const before = fetches();
    await idp.rotate();
    // Within 30 s of the last fetch the cached set is kept, so a new kid is not found yet.
    await expect(assume(roleArn, await idp.sign(claims))).rejects.toThrow(/No key of the OpenID Connect provider's key set matches/);
    expect(fetches()).toBe(before);
    offsetMs += 31_000;
    await assume(roleArn, await idp.sign(claims));
    expect(fetches()).toBe(before + 1);
    // The retired key is no longer published: its tokens are refused.
    offsetMs += 31_000;
    await expect(assume(roleArn, await idp.sign(claims, { key: 'retired' }))).rejects.toThrow(InvalidIdentityTokenError);
  });

  it('applies the trust policy conditions on sub, aud and amr', async () => {
    const { roleArn } = await setUp({
      StringEquals: { [`${idp.url}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${idp.url}:sub`]: 'repo:acme/*' },
      'ForAnyValue:StringEquals': { [`${idp.url}:amr`]: 'mfa' },
    });
    await expect(assume(roleArn, await idp.sign({ ...claims, amr: ['pwd', 'mfa'], sub: 'repo:evil/app' }))).rejects.toThrow(AccessDeniedError);
    await expect(assume(roleArn, await idp.sign({ ...claims }))).rejects.toThrow(/Not authorized to perform sts:AssumeRoleWithWebIdentity|not authorized/i);
    await assume(roleArn, await idp.sign({ ...claims, amr: ['pwd', 'mfa'] }));
  });

  it('takes session tags from the token only when the trust policy allows sts:TagSession', async () => {
    const tagged = { ...claims, 'https://aws.amazon.com/tags': { principal_tags: { team: ['ci'] }, transitive_tag_keys: ['team'] } };
    const without = await setUp();
    await expect(assume(without.roleArn, await idp.sign(tagged))).rejects.toThrow(AccessDeniedError);
    const withTags = await setUp(undefined, ['sts:TagSession']);
    const answer = await assume(withTags.roleArn, await idp.sign(tagged));
    const resolved = await iam.credentials.resolve(answer.credentials.accessKeyId);
    expect(resolved?.caller.session?.tags).toEqual([{ key: 'team', value: 'ci' }]);
  });

  // AWS STS API reference, AssumeRoleWithWebIdentity: PackedPolicySize counts the session policies and
  // the session tags (here, the token's); over 100 percent the request is PackedPolicyTooLarge.
  it("answers PackedPolicySize for the session policy and the token's tags, and refuses tags that overflow it", async () => {
    const { roleArn } = await setUp({ StringEquals: { [`${idp.url}:aud`]: 'sts.amazonaws.com' } }, ['sts:TagSession']);
    expect((await assume(roleArn, await idp.sign(claims))).packedPolicySize).toBeNull();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    expect((await assume(roleArn, await idp.sign(claims), { policy })).packedPolicySize).toBeGreaterThan(0);
    const heavy = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}-${randomBytes(96).toString('base64url')}`.slice(0, 128), [randomBytes(192).toString('base64url')]]));
    const token = await idp.sign({ ...claims, 'https://aws.amazon.com/tags': { principal_tags: heavy } });
    await expect(assume(roleArn, token)).rejects.toThrow(PackedPolicyTooLargeError);
  });

  // AWS: a provider's thumbprints are used when its certificate does not chain to a trusted root.
  it("trusts a provider whose CA Warden does not know by the provider's thumbprint of it, and not without", async () => {
    const untrusting = new IamService({ streamFolds: frozenFolds(), db: service.wardenDb.db, keyring: service.iam.core.keyring, oidcAllowedHosts: ['127.0.0.1'] });
    const pinned = await startTestIssuer('pinned');
    try {
      const root = await newAccount(service);
      const caThumbprint = new X509Certificate(readFileSync(pinned.caFile, 'utf8')).fingerprint.replaceAll(':', '');
      const provider = await untrusting.oidcProviders.create(root, { url: pinned.issuer, clientIdList: ['sts.amazonaws.com'], thumbprintList: ['0'.repeat(40)] });
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
      const role = await untrusting.roles.create(root, { roleName: 'pinned', assumeRolePolicyDocument: JSON.stringify(trust) });
      const exchange = async () => untrusting.webIdentity.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'pinned', webIdentityToken: await pinned.sign(claims) });
      await expect(exchange()).rejects.toThrow(IdpCommunicationError);
      await untrusting.oidcProviders.updateThumbprint(root, provider.arn, [caThumbprint]);
      expect((await exchange()).credentials.accessKeyId).toMatch(/^ASIA/);
    } finally {
      await pinned.close();
    }
  });

  it("refuses bad input, and answers IDPCommunicationError when the provider's keys cannot be fetched", async () => {
    const { root, roleArn } = await setUp();
    await expect(assume(roleArn, await idp.sign(claims), { roleSessionName: 'x' })).rejects.toThrow(InvalidInputError);
    await expect(assume(roleArn, await idp.sign(claims), { providerId: 'graph.facebook.com' })).rejects.toThrow(InvalidInputError);
    await expect(assume(roleArn, await idp.sign(claims), { durationSeconds: 7200 })).rejects.toThrow(/maximum session duration, 3600/);
    await expect(assume(roleArn, 'not-a-token')).rejects.toThrow(InvalidIdentityTokenError);
    await expect(assume(`arn:aws:iam::${root.accountId}:role/missing`, await idp.sign(claims))).rejects.toThrow(AccessDeniedError);
    // A provider whose discovery answers 404.
    const unreachable = 'https://127.0.0.1:1/realms/nowhere';
    await iam.oidcProviders.create(root, { url: unreachable, clientIdList: ['sts.amazonaws.com'] });
    const token = await other.sign({ ...claims, iss: unreachable });
    await expect(assume(roleArn, token)).rejects.toThrow(IdpCommunicationError);
  });
});
