import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, IamService } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * Whether a caller may ask about a principal (iam:SimulatePrincipalPolicy on it) is decided by one
 * method, `IamCore.requireAllowed`, whichever path asks: a transaction's `IamCore.authorize`, the
 * `authorizeAsking` shortcut (no transaction when the caller's policies are cached), the slow
 * `authorizeAsking` (a caller without an epoch), and `authorizeMany` answered from the cache. The
 * same callers must get the same answer, allowed or the same AccessDenied message, on every path.
 */
describe.each([...DRIVERS])('the asking check on every path on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  async function signedIn(iam: IamService, accessKeyId: string): Promise<Caller> {
    const resolved = await iam.credentials.resolve(accessKeyId);
    if (!resolved) throw new Error(`${accessKeyId} does not resolve`);
    return { ...resolved.caller, requestContext: {}, accountEpoch: resolved.accountEpoch };
  }

  const outcome = (work: () => Promise<unknown>): Promise<string> =>
    work().then(
      () => 'allowed',
      (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`,
    );

  it('gives root, an allowed user, a denied user, a session held to its session policy and an explicit deny the same answer on each path', async () => {
    const { iam } = service;
    const root = await newAccount(service);
    const accountId = root.accountId;
    const target = await iam.users.create(root, { userName: 'target' });
    const allowed = await iam.users.create(root, { userName: 'allowed' });
    await iam.users.putInlinePolicy(root, 'allowed', 'ask', doc({ Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy', 'sts:GetFederationToken'], Resource: '*' }));
    await iam.users.create(root, { userName: 'denied' });
    await iam.users.create(root, { userName: 'denying' });
    await iam.users.putInlinePolicy(
      root,
      'denying',
      'mixed',
      doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:SimulatePrincipalPolicy', Resource: target.arn }),
    );
    const keys = {
      allowed: (await iam.accessKeys.create(root, 'allowed')).accessKeyId,
      denied: (await iam.accessKeys.create(root, 'denied')).accessKeyId,
      denying: (await iam.accessKeys.create(root, 'denying')).accessKeyId,
    };
    const narrow = await iam.sts.getFederationToken(userCaller(accountId, allowed), { name: 'narrow', policy: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) });
    const wide = await iam.sts.getFederationToken(userCaller(accountId, allowed), { name: 'wide', policy: doc({ Effect: 'Allow', Action: 'iam:SimulatePrincipalPolicy', Resource: '*' }) });
    const callerKeys: Record<string, string | undefined> = {
      root: undefined,
      'allowed user': keys.allowed,
      'denied user': keys.denied,
      'explicit deny': keys.denying,
      'session without the action in its session policy': narrow.credentials.accessKeyId,
      'session with it': wide.credentials.accessKeyId,
    };
    const epoch = (await iam.core.epochs.current(accountId))!;
    const request = { principal: target.arn, action: 'iam:GetUser', resource: '*' };
    // The tenant root asks first, at the same epoch: the target is compiled, so authorizeMany answers from the cache.
    await iam.authorization.authorizeMany({ ...root, accountEpoch: epoch }, [request]);

    const answers: Record<string, Record<string, string>> = {};
    for (const [name, key] of Object.entries(callerKeys)) {
      const caller = key ? await signedIn(iam, key) : { ...root, accountEpoch: epoch };
      expect(caller.accountEpoch, name).toBe(epoch);
      const { accountEpoch: _, ...withoutEpoch } = caller;
      answers[name] = {
        'IamCore.authorize': await outcome(() => iam.core.read(caller, (trx) => iam.core.authorize(trx, caller, 'iam:SimulatePrincipalPolicy', target.arn))),
        'authorizeAsking, cached': await outcome(() => iam.authorization.authorizeAsking(caller, accountId, [target.arn])),
        'authorizeAsking, read': await outcome(() => iam.authorization.authorizeAsking(withoutEpoch, accountId, [target.arn])),
        'authorizeMany, cached': await outcome(() => iam.authorization.authorizeMany(caller, [request, request])),
        'authorizeMany, read': await outcome(() => iam.authorization.authorizeMany(withoutEpoch, [request])),
        simulatePrincipalPolicy: await outcome(() => iam.authorization.simulatePrincipalPolicy(caller, { policySourceArn: target.arn, actionNames: ['iam:GetUser'] })),
      };
      // The cached ask found the target compiled: the same epoch throughout, no write in between.
      expect(await iam.core.epochs.current(accountId), name).toBe(epoch);
    }
    for (const [name, byPath] of Object.entries(answers)) {
      const distinct = new Set(Object.values(byPath));
      expect(distinct.size, `${name}: ${JSON.stringify(byPath, null, 1)}`).toBe(1);
    }
    const first = (name: string) => Object.values(answers[name]!)[0];
    expect(first('root')).toBe('allowed');
    expect(first('allowed user')).toBe('allowed');
    expect(first('session with it')).toBe('allowed');
    expect(first('denied user')).toBe(
      `AccessDeniedError: User: ${allowed.arn.replace('allowed', 'denied')} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${target.arn} because no identity-based policy allows the iam:SimulatePrincipalPolicy action`,
    );
    expect(first('explicit deny')).toBe(
      `AccessDeniedError: User: ${allowed.arn.replace('allowed', 'denying')} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${target.arn} with an explicit deny in an identity-based policy`,
    );
    expect(first('session without the action in its session policy')).toBe(
      `AccessDeniedError: User: ${narrow.federatedUser.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${target.arn} because no session policy allows the iam:SimulatePrincipalPolicy action`,
    );
  });
});
