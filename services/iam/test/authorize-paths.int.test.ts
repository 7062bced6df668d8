import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type AuthorizeRequest, type Caller, type IamService, InvalidInputError } from '../src/index.js';
import { anotherService, DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * `authorize` and `authorizeBatch` answer a question from compiled policy sets when the account's
 * cache is warm and read them when it is cold: the answer, and the error a denied caller gets, must
 * not depend on which. "Cold" asks a service with nothing cached; "warm" asks after the tenant root has asked
 * the same question at the same epoch, which compiles the principal asked about (and, for a user, the
 * cache entry of that user's own policies).
 */
describe.each([...DRIVERS])('authorize on a warm and a cold cache on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** A caller as authentication makes it for temporary or long-term credentials: with the account's current epoch. */
  async function signedIn(accessKeyId: string, iam: IamService = service.iam): Promise<Caller> {
    const resolved = await iam.credentials.resolve(accessKeyId);
    if (!resolved) throw new Error(`${accessKeyId} does not resolve`);
    return { ...resolved.caller, requestContext: {}, accountEpoch: resolved.accountEpoch };
  }

  /** The tenant root with the account's current epoch, as a signed request would have it. */
  async function rootNow(root: Caller): Promise<Caller> {
    return { ...root, accountEpoch: (await service.iam.core.epochs.current(root.accountId))! };
  }

  /** A write to another user of the account: the epoch moves on, and what the questions use stays current. */
  async function write(root: Caller): Promise<void> {
    await service.iam.users.create(root, { userName: `bump-${Math.random().toString(36).slice(2, 8)}` });
  }

  /**
   * User `u` may SimulatePrincipalPolicy (IAMReadOnlyAccess) and GetFederationToken, as in issue
   * 12's reproduction; the role `r` trusts it and may SimulatePrincipalPolicy too.
   */
  async function tenant() {
    const root = await newAccount(service);
    const { iam } = service;
    const u = await iam.users.create(root, { userName: 'u' });
    await iam.users.attachPolicy(root, 'u', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    await iam.users.putInlinePolicy(root, 'u', 'federate', doc({ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }));
    const role = await iam.roles.create(root, { roleName: 'r', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: u.arn }, Action: 'sts:AssumeRole' }) });
    await iam.roles.attachPolicy(root, 'r', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess');
    return { root, u, role, uCaller: userCaller(root.accountId, u) };
  }

  /**
   * Asks `request` as the credential's caller cold (of a service with nothing cached), then after the root asked
   * it at the same epoch (the principal asked about is compiled), then once more (the caller's own
   * policy set is compiled too), single and batched; returns the six outcomes.
   */
  async function coldAndWarm(root: Caller, accessKeyId: string, request: AuthorizeRequest): Promise<unknown[]> {
    const { iam } = service;
    const errors: unknown[] = [];
    for (const batch of [false, true]) {
      const askOf = (on: IamService) => (caller: Caller) => (batch ? on.authorization.authorizeMany(caller, [request, request]) : on.authorization.authorize(caller, request));
      const ask = askOf(iam);
      const cold = anotherService(service);
      errors.push(
        await askOf(cold)(await signedIn(accessKeyId, cold)).then(
          () => 'answered',
          (error: unknown) => error,
        ),
      );
      await write(root);
      const asRoot = await rootNow(root);
      await ask(asRoot);
      const warm = await signedIn(accessKeyId);
      errors.push(
        await ask(warm).then(
          () => 'answered',
          (error: unknown) => error,
        ),
      );
      errors.push(
        await ask(warm).then(
          () => 'answered',
          (error: unknown) => error,
        ),
      );
    }
    return errors;
  }

  it('defect 1: a federated user is held to its session policy whether the cache is cold or warm', async () => {
    const { root, u, uCaller } = await tenant();
    const token = await service.iam.sts.getFederationToken(uCaller, { name: 'fed', policy: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) });
    const errors = await coldAndWarm(root, token.credentials.accessKeyId, { principal: u.arn, action: 'iam:DeleteUser', resource: '*' });
    for (const error of errors) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).message).toBe(
        `User: ${token.federatedUser.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${u.arn} because no session policy allows the iam:SimulatePrincipalPolicy action`,
      );
    }
  });

  it('defect 1: a federation token without a policy has no permissions, warm or cold (AWS GetFederationToken: "if you do not pass any session policies, then the resulting federated user session has no permissions")', async () => {
    const { root, u, uCaller } = await tenant();
    const token = await service.iam.sts.getFederationToken(uCaller, { name: 'bare' });
    const errors = await coldAndWarm(root, token.credentials.accessKeyId, { principal: u.arn, action: 'iam:DeleteUser', resource: '*' });
    for (const error of errors) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).message).toBe(
        `User: ${token.federatedUser.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${u.arn} with an explicit deny in a session policy`,
      );
    }
  });

  it('defect 1: an assumed-role session is held to its session policy whether the cache is cold or warm', async () => {
    const { root, u, role, uCaller } = await tenant();
    const assumed = await service.iam.sts.assumeRole(uCaller, { roleArn: role.arn, roleSessionName: 'narrow', policy: doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }) });
    const errors = await coldAndWarm(root, assumed.credentials.accessKeyId, { principal: u.arn, action: 'iam:DeleteUser', resource: '*' });
    for (const error of errors) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect((error as AccessDeniedError).message).toBe(
        `User: ${assumed.assumedRoleUser.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${u.arn} because no session policy allows the iam:SimulatePrincipalPolicy action`,
      );
    }
    // Without a session policy the session has the role's permissions, on either path.
    const full = await service.iam.sts.assumeRole(uCaller, { roleArn: role.arn, roleSessionName: 'full' });
    for (const outcome of await coldAndWarm(root, full.credentials.accessKeyId, { principal: u.arn, action: 'iam:DeleteUser', resource: '*' })) expect(outcome).toBe('answered');
  });

  it("defect 2: a denial answered from the cache carries an encoded message that decodes to the same decision as the cold path's", async () => {
    const { root, u } = await tenant();
    const { iam } = service;
    await iam.users.create(root, { userName: 'v' });
    const key = await iam.accessKeys.create(root, 'v');
    const errors = await coldAndWarm(root, key.accessKeyId, { principal: u.arn, action: 'iam:DeleteUser', resource: '*' });
    const decoded = [];
    for (const error of errors) {
      expect(error).toBeInstanceOf(AccessDeniedError);
      const encoded = (error as AccessDeniedError).encodedAuthorizationMessage;
      expect(encoded).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const { time, ...decision } = await iam.sts.decodeAuthorizationMessage(root, encoded!);
      expect(Date.parse(time)).not.toBeNaN();
      decoded.push(decision);
    }
    expect(decoded[0]).toMatchObject({ allowed: false, explicitDeny: false, context: { action: 'iam:SimulatePrincipalPolicy', resource: u.arn, conditions: { 'aws:username': 'v' } } });
    for (const decision of decoded.slice(1)) expect(decision).toEqual(decoded[0]);
  });

  const PRINCIPAL_KEYS = [
    'aws:PrincipalArn',
    'aws:PrincipalAccount',
    'aws:PrincipalType',
    'aws:userid',
    'aws:username',
    'aws:PrincipalTag/team',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList',
    'aws:CurrentTime',
    'aws:EpochTime',
    // Condition keys are case-insensitive in AWS.
    'AWS:PRINCIPALTAG/TEAM',
    'Aws:UserName',
    'aws:currenttime',
  ];

  it("defect 4: authorize refuses a context value for a key that belongs to the principal (or to the server's clock), naming it, on both paths; aws:SourceIp is the caller's to give", async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice', tags: [{ key: 'team', value: 'blue' }] });
    await iam.users.putInlinePolicy(
      root,
      'alice',
      'p',
      doc(
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } },
      ),
    );
    for (const key of PRINCIPAL_KEYS) {
      const value = key.toLowerCase() === 'aws:epochtime' ? '1700000000' : key.toLowerCase() === 'aws:currenttime' ? '2020-01-01T00:00:00Z' : 'red';
      const request = { principal: alice.arn, action: 'iam:GetUser', resource: '*', context: { [key]: value } };
      for (const caller of [root, await rootNow(root)]) {
        for (const ask of [
          () => iam.authorization.authorize(caller, request),
          () => iam.authorization.authorizeMany(caller, [{ principal: alice.arn, action: 'iam:GetUser', resource: '*' }, request]),
        ]) {
          const error = await ask().then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error, key).toBeInstanceOf(InvalidInputError);
          expect((error as InvalidInputError).message, key).toContain(JSON.stringify(key));
        }
      }
    }
    // Alice is blue: the statement about red does not apply, warm or cold.
    for (const caller of [root, await rootNow(root)]) {
      expect((await iam.authorization.authorize(caller, { principal: alice.arn, action: 'iam:GetUser', resource: '*' })).decision).toBe('implicit_deny');
      const fromInside = await iam.authorization.authorize(caller, {
        principal: alice.arn,
        action: 's3:GetObject',
        resource: '*',
        context: { 'aws:SourceIp': '203.0.113.5', 'aws:SecureTransport': 'true', 'aws:RequestTag/project': 'x' },
      });
      expect(fromInside.decision).toBe('allow');
      expect((await iam.authorization.authorize(caller, { principal: alice.arn, action: 's3:GetObject', resource: '*', context: { 'aws:SourceIp': '198.51.100.1' } })).decision).toBe('implicit_deny');
    }
  });

  it("simulatePrincipalPolicy keeps AWS's simulator behaviour: its context entries may set principal keys", async () => {
    const root = await newAccount(service);
    const { iam } = service;
    const alice = await iam.users.create(root, { userName: 'alice', tags: [{ key: 'team', value: 'blue' }] });
    await iam.users.putInlinePolicy(root, 'alice', 'p', doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } } }));
    const [asIs] = await iam.authorization.simulatePrincipalPolicy(root, { policySourceArn: alice.arn, actionNames: ['iam:GetUser'] });
    expect(asIs!.evalDecision).toBe('implicitDeny');
    const [asRed] = await iam.authorization.simulatePrincipalPolicy(root, {
      policySourceArn: alice.arn,
      actionNames: ['iam:GetUser'],
      contextEntries: { 'aws:PrincipalTag/team': 'red', 'aws:username': 'someone' },
    });
    expect(asRed!.evalDecision).toBe('allowed');
  });
  it('a refused assumeRole carries an encoded authorization message that decodes to the trust decision', async () => {
    const { root, uCaller } = await tenant();
    const { iam } = service;
    const distrusting = await iam.roles.create(root, {
      roleName: 'distrusting',
      assumeRolePolicyDocument: doc({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${root.accountId}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'expected' } },
      }),
    });
    await iam.users.putInlinePolicy(root, 'u', 'assume', doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }));
    const error = await iam.sts.assumeRole(uCaller, { roleArn: distrusting.arn, roleSessionName: 'refused' }).then(
      () => undefined,
      (refusal: unknown) => refusal,
    );
    expect(error).toBeInstanceOf(AccessDeniedError);
    const encoded = (error as AccessDeniedError).encodedAuthorizationMessage;
    expect(encoded).toBeTruthy();
    const decoded = await iam.sts.decodeAuthorizationMessage(root, encoded!);
    expect(decoded).toMatchObject({ allowed: false, context: { action: 'sts:AssumeRole', resource: distrusting.arn, principal: uCaller.arn } });
  });
});
