import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IamService, InvalidIdentityTokenError, ThrottlingError } from '../src/index.js';
import { startTestIssuer, type TestIssuer } from './oidc-issuer.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, frozenFolds } from './test-service.js';

/**
 * The unsigned exchanges' ceiling per client address: a flood from one address is refused with
 * AWS's Throttling ("Rate exceeded"), every attempt counting whatever its outcome, while another
 * address is served; IPv6 addresses count by /64.
 */
describe.each([...DRIVERS])('the ceiling on unsigned exchanges per address (%s)', (driver) => {
  let service: ServiceUnderTest;
  let idp: TestIssuer;
  let iam: IamService;
  let roleArn = '';
  /** The service's clock, moved on a minute by the test. */
  let now = Date.now();

  beforeAll(async () => {
    service = await openService(driver);
    idp = await startTestIssuer('limit');
    iam = new IamService({
      streamFolds: frozenFolds(),
      db: service.wardenDb.db,
      keyring: service.iam.core.keyring,
      clock: { now: () => new Date(now) },
      oidcCaFile: idp.caFile,
      oidcAllowedHosts: ['127.0.0.1'],
      unsignedExchangesPerMinute: 3,
    });
    const root = await newAccount(service);
    const provider = await iam.oidcProviders.create(root, { url: idp.issuer, clientIdList: ['sts.amazonaws.com'] });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: provider.arn }, Action: 'sts:AssumeRoleWithWebIdentity' }] };
    roleArn = (await iam.roles.create(root, { roleName: 'ci', assumeRolePolicyDocument: JSON.stringify(trust) })).arn;
  });
  afterAll(async () => {
    await idp.close();
    await service.wardenDb.close();
  });

  const signed = () => idp.sign({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
  const exchange = async (sourceIp: string, token?: string) =>
    iam.webIdentity.assumeRoleWithWebIdentity({ roleArn, roleSessionName: 'flood', webIdentityToken: token ?? (await signed()) }, { sourceIp });

  it('throttles a flood from one address, counting failed attempts too, and serves another address', async () => {
    await exchange('198.51.100.7');
    for (let i = 0; i < 2; i++) await expect(exchange('198.51.100.7', 'not-a-token')).rejects.toThrow(InvalidIdentityTokenError);
    const refused = await exchange('198.51.100.7').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ThrottlingError);
    expect(refused).toMatchObject({ code: 'Throttling' });
    expect((refused as ThrottlingError).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as ThrottlingError).retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await exchange('198.51.100.8')).credentials.accessKeyId).toMatch(/^ASIA/);
    // The next minute, the address is served again.
    now += 60_000;
    expect((await exchange('198.51.100.7')).credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it('counts an IPv6 /64 as one address', async () => {
    for (let i = 1; i <= 3; i++) await exchange(`2001:db8:7:7::${i}`);
    await expect(exchange('2001:db8:7:7::ffff')).rejects.toThrow(ThrottlingError);
    await exchange('2001:db8:7:8::1');
  });
});
