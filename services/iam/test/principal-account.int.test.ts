import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, InvalidInputError } from '../src/index.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

/**
 * Every question about principals, live or as of an instant, takes the account it asks about from
 * one function (`accountOfPrincipals`, through `askAbout`): a malformed ARN, principals of two
 * accounts, and another account's principal asked about by a tenant are refused alike, with the
 * same error, whichever operation asks.
 */
describe.each([...DRIVERS])('the account of the principals asked about on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** The same question about `principals` through each operation that asks about principals; each outcome as a string. */
  async function everyOperation(caller: Caller, principals: readonly string[]): Promise<Record<string, string>> {
    const { iam } = service;
    const at = new Date();
    const request = (principal: string) => ({ principal, action: 'iam:GetUser', resource: '*' });
    const ask: Record<string, () => Promise<unknown>> = {
      authorizeMany: () => iam.authorization.authorizeMany(caller, principals.map(request)),
      authorizeAt: () =>
        iam.pointInTime.authorizeAt(
          caller,
          principals.map((principal) => ({ ...request(principal), at })),
        ),
    };
    if (principals.length === 1) {
      const [principal] = principals as [string];
      Object.assign(ask, {
        authorize: () => iam.authorization.authorize(caller, request(principal)),
        simulatePrincipalPolicy: () => iam.authorization.simulatePrincipalPolicy(caller, { policySourceArn: principal, actionNames: ['iam:GetUser'] }),
        simulatePrincipalPolicyAt: () => iam.pointInTime.simulatePrincipalPolicyAt(caller, { policySourceArn: principal, actionNames: ['iam:GetUser'], at }),
        accessHistory: () => iam.pointInTime.accessHistory(caller, { ...request(principal), from: at, to: at }),
      });
    }
    const outcomes: Record<string, string> = {};
    for (const [name, work] of Object.entries(ask)) {
      outcomes[name] = await work().then(
        () => 'answered',
        (error: unknown) => `${error instanceof InvalidInputError ? 'InvalidInput' : error instanceof AccessDeniedError ? 'AccessDenied' : String(error)}: ${(error as Error).message}`,
      );
    }
    return outcomes;
  }

  function expectAll(outcomes: Record<string, string>, expected: string): void {
    for (const [name, outcome] of Object.entries(outcomes)) expect(outcome, name).toBe(expected);
  }

  it('refuses a malformed ARN, and an ARN that is not a user or role, as InvalidInput naming it', async () => {
    const root = await newAccount(service);
    for (const arn of ['not-an-arn', `arn:aws:iam::${root.accountId}:policy/p`, 'arn:aws:iam::12345:user/short-account', `arn:aws:s3:::bucket`]) {
      const outcomes = await everyOperation(root, [arn]);
      expect(Object.keys(outcomes)).toHaveLength(6);
      expectAll(outcomes, `InvalidInput: ${JSON.stringify(arn)} is not the ARN of an IAM user or role.`);
    }
  });

  it("refuses a tenant asking about another account's principal (AccessDenied), and a batch of two accounts' principals (InvalidInput)", async () => {
    const root = await newAccount(service);
    const other = await newAccount(service);
    const theirs = await service.iam.users.create(other, { userName: 'theirs' });
    const ours = await service.iam.users.create(root, { userName: 'ours' });
    expectAll(
      await everyOperation(root, [theirs.arn]),
      `AccessDenied: User: ${root.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${theirs.arn} because the principal is in another account`,
    );
    expectAll(await everyOperation(root, [ours.arn, theirs.arn]), 'InvalidInput: A batch may only ask about principals of one account.');
    // The principal of the caller's own account is answered on every path.
    expectAll(await everyOperation(root, [ours.arn]), 'answered');
  });
});
