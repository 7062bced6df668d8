import { Writable } from 'node:stream';
import type { RunningWarden } from '@warden/api';
import { inAccountTransaction } from '@warden/db';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLData, type SignedClient } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

/**
 * Console sign-in over HTTP: signIn needs no credentials; its bearer token then reaches the API.
 * TOTP codes are computed here with otplib, as an authenticator app would. AWS's documented
 * behaviour checked: aws:MultiFactorAuthPresent is false in a session without MFA, so a policy
 * denying with BoolIfExists false denies it (IAM User Guide, "Configuring MFA-protected API
 * access"); MFA devices are enabled with two consecutive codes.
 */
const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) {
  __typename
  ... on SignInSuccess { data { __typename ... on SignedIn { token expiration principalArn mfaAuthenticated } } }
  ... on Error { code message }
  ... on SignInThrottledError { retryAfterSeconds locked }
} }`;

interface SignInAnswer {
  signIn: { __typename: string; code?: string; message?: string; locked?: boolean; data?: { __typename: string; token?: string; principalArn?: string; mfaAuthenticated?: boolean } };
}

const codeAt = (seed: string, offsetSteps = 0) => generateSync({ secret: seed, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe.each([...DRIVERS])('console sign-in over HTTP (%s)', (driver) => {
  let warden: RunningWarden;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logs = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    warden = await startTestWarden(driver, logs);
  });
  afterAll(async () => {
    await warden.close();
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(warden.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: GraphQLData; errors?: { message: string; extensions?: { code?: string } }[] } };
  }
  const signIn = async (input: Record<string, unknown>) => (await post({ query: SIGN_IN, variables: { input } })).body.data as SignInAnswer;
  const asBearer = (token: string, query: string, variables: Record<string, unknown> = {}) => post({ query, variables }, { authorization: `Bearer ${token}` });

  async function tenantWithUser(userName: string, password: string): Promise<{ root: SignedClient; accountId: string; alias: string }> {
    const { root, accountId } = await newTenant(warden);
    const alias = `corp-${accountId}`;
    await root.data('mutation($a: String!) { createAccountAlias(input: { accountAlias: $a }) { __typename } }', { a: alias });
    await root.data('mutation($u: String!) { createUser(input: { userName: $u }) { __typename } }', { u: userName });
    const created = await root.data<{ createLoginProfile: { __typename: string } }>('mutation($u: String!, $p: String!) { createLoginProfile(input: { userName: $u, password: $p }) { __typename } }', {
      u: userName,
      p: password,
    });
    expect(created.createLoginProfile.__typename).toBe('CreateLoginProfileSuccess');
    return { root, accountId, alias };
  }

  it('signs in by alias and by id with a TOTP code; a policy that denies without MFA denies the password-only session and allows the MFA one; a code is accepted once', async () => {
    const { root, accountId, alias } = await tenantWithUser('alice', 'Correct-Horse-1');
    await root.data('mutation($d: String!) { putUserPolicy(input: { userName: "alice", policyName: "mfa-or-nothing", policyDocument: $d }) { __typename } }', {
      d: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
        ],
      }),
    });
    const LIST = '{ users(first: 5) { __typename ... on UsersSuccess { data { edges { node { userName } } } } ... on Error { code } } }';

    // Password only (no device yet), by alias: the session exists, and the Deny applies to it.
    const plain = await signIn({ account: alias, userName: 'alice', password: 'Correct-Horse-1' });
    expect(plain.signIn.data).toMatchObject({ __typename: 'SignedIn', principalArn: `arn:aws:iam::${accountId}:user/alice`, mfaAuthenticated: false });
    const plainToken = plain.signIn.data!.token!;
    const identity = await asBearer(plainToken, '{ callerIdentity { arn } }');
    expect(identity.body.data?.['callerIdentity']).toEqual({ arn: `arn:aws:iam::${accountId}:user/alice` });
    expect((await asBearer(plainToken, LIST)).body.data?.['users']).toMatchObject({ __typename: 'AccessDeniedError', code: 'AccessDenied' });

    // A device for alice, enabled with two consecutive codes.
    const device = await root.data<{ createVirtualMFADevice: { data: { serialNumber: string; base32StringSeed: string } } }>(
      'mutation { createVirtualMFADevice(input: { virtualMFADeviceName: "alice-phone" }) { ... on CreateVirtualMFADeviceSuccess { data { serialNumber base32StringSeed } } } }',
    );
    const { serialNumber, base32StringSeed: seed } = device.createVirtualMFADevice.data;
    const ENABLE =
      'mutation($s: String!, $a: String!, $b: String!) { enableMFADevice(input: { userName: "alice", serialNumber: $s, authenticationCode1: $a, authenticationCode2: $b }) { __typename ... on Error { code } } }';
    expect((await root.data<{ enableMFADevice: { code: string } }>(ENABLE, { s: serialNumber, a: codeAt(seed), b: codeAt(seed, -1) })).enableMFADevice.code).toBe('InvalidAuthenticationCode');
    expect((await root.data<{ enableMFADevice: { __typename: string } }>(ENABLE, { s: serialNumber, a: codeAt(seed, -1), b: codeAt(seed) })).enableMFADevice.__typename).toBe('EnableMFADeviceSuccess');

    // Now the password alone is not enough; by id, with the next code, it is.
    expect((await signIn({ account: accountId, userName: 'alice', password: 'Correct-Horse-1' })).signIn.data?.__typename).toBe('SignInMFACodeRequired');
    const next = codeAt(seed, 1);
    const withMfa = await signIn({ account: accountId, userName: 'alice', password: 'Correct-Horse-1', mfaCode: next });
    expect(withMfa.signIn.data).toMatchObject({ __typename: 'SignedIn', mfaAuthenticated: true });
    const users = await asBearer(withMfa.signIn.data!.token!, LIST);
    expect(users.body.errors).toBeUndefined();
    expect(users.body.data?.['users'].data.edges.map((edge: { node: { userName: string } }) => edge.node.userName)).toEqual(['alice']);
    // The same code again is refused, with the one failure sentence.
    const replayed = await signIn({ account: accountId, userName: 'alice', password: 'Correct-Horse-1', mfaCode: next });
    expect(replayed.signIn).toMatchObject({ __typename: 'SignInFailedError', code: 'SignInFailed', message: 'Your authentication information is incorrect. Please try again.' });
    const unknown = await signIn({ account: accountId, userName: 'nobody', password: 'Correct-Horse-1' });
    expect(unknown.signIn.message).toBe(replayed.signIn.message);

    // signOut ends the session: its token is refused from then on.
    expect((await asBearer(plainToken, 'mutation { signOut { __typename } }')).body.data?.['signOut'].__typename).toBe('SignOutSuccess');
    const after = await asBearer(plainToken, '{ callerIdentity { arn } }');
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Without credentials, nothing but signIn runs.
    const anonymous = await post({ query: '{ users { __typename } }' });
    expect(anonymous.status).toBe(401);
    const smuggled = await post({
      query: `mutation { signIn(input: { account: "${accountId}", userName: "alice", password: "x" }) { __typename } createUser(input: { userName: "mallory" }) { __typename } }`,
    });
    expect(smuggled.status).toBe(401);
  });

  it('enforces the password policy rule by rule, each refusal naming its rule, at creation, change and sign-in', async () => {
    const { root, accountId } = await tenantWithUser('erin', 'Correct-Horse-5');
    const POLICY =
      'mutation { updateAccountPasswordPolicy(input: { minimumPasswordLength: 12, requireSymbols: true, requireNumbers: true, requireUppercaseCharacters: true, requireLowercaseCharacters: true, allowUsersToChangePassword: true, passwordReusePrevention: 2 }) { __typename } }';
    expect((await root.data<{ updateAccountPasswordPolicy: { __typename: string } }>(POLICY)).updateAccountPasswordPolicy.__typename).toBe('UpdateAccountPasswordPolicySuccess');
    await root.data('mutation { createUser(input: { userName: "frank" }) { __typename } }');
    const CREATE = 'mutation($p: String!) { createLoginProfile(input: { userName: "frank", password: $p, passwordResetRequired: true }) { __typename ... on Error { code message } } }';
    const refusals: [string, RegExp][] = [
      ['Sh0rt!Aa', /at least 12 characters/],
      ['no-upper-case-1!', /uppercase letter/],
      ['NO-LOWER-CASE-1!', /lowercase letter/],
      ['No-Numbers-Here!', /must contain a number/],
      ['NoSymbolsHere123', /one of the symbols/],
    ];
    for (const [password, rule] of refusals) {
      const answer = await root.data<{ createLoginProfile: { __typename: string; message: string } }>(CREATE, { p: password });
      expect(answer.createLoginProfile.__typename).toBe('PasswordPolicyViolationError');
      expect(answer.createLoginProfile.message).toMatch(rule);
    }
    expect((await root.data<{ createLoginProfile: { __typename: string } }>(CREATE, { p: 'Good-Password-1!' })).createLoginProfile.__typename).toBe('CreateLoginProfileSuccess');
    // Reset required: sign-in asks for a new password, which must meet the rules and not reuse the last 2.
    const base = { account: accountId, userName: 'frank', password: 'Good-Password-1!' };
    expect((await signIn(base)).signIn.data?.__typename).toBe('SignInPasswordChangeRequired');
    expect((await signIn({ ...base, newPassword: 'Good-Password-1!' })).signIn).toMatchObject({ __typename: 'InvalidInputError', message: expect.stringMatching(/must differ/) });
    const weak = await signIn({ ...base, newPassword: 'weak' });
    expect(weak.signIn).toMatchObject({ __typename: 'PasswordPolicyViolationError', message: expect.stringMatching(/at least 12 characters/) });
    expect((await signIn({ ...base, newPassword: 'Better-Password-2!' })).signIn.data?.__typename).toBe('SignedIn');
    const renewed = { ...base, password: 'Better-Password-2!' };
    expect((await signIn(renewed)).signIn.data?.__typename).toBe('SignedIn');
    // Reuse prevention (the last 2): an admin requires a reset again; the first password is refused.
    await root.data('mutation { updateLoginProfile(input: { userName: "frank", passwordResetRequired: true }) { __typename } }');
    const reused = await signIn({ ...renewed, newPassword: 'Good-Password-1!' });
    expect(reused.signIn).toMatchObject({ __typename: 'PasswordPolicyViolationError', message: expect.stringMatching(/last 2 passwords/) });
    expect((await signIn({ ...renewed, newPassword: 'Third-Password-3!' })).signIn.data?.__typename).toBe('SignedIn');
  });

  it('throttles and locks out repeated failures, and an admin clears the lockout', async () => {
    const { root, accountId } = await tenantWithUser('bob', 'Correct-Horse-2');
    await root.data('mutation { updateAccountSettings(input: { signInThrottle: { failuresBeforeDelay: 3, failuresBeforeLockout: 3, lockoutSeconds: 600 } }) { __typename } }');
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await signIn({ account: accountId, userName: 'bob', password: `wrong-${attempt}` })).signIn.__typename).toBe('SignInFailedError');
    }
    const locked = await signIn({ account: accountId, userName: 'bob', password: 'Correct-Horse-2' });
    expect(locked.signIn).toMatchObject({ __typename: 'SignInThrottledError', code: 'SignInThrottled', locked: true });
    const lockouts = await root.data<{ signInLockouts: { data: { subject: string; locked: boolean }[] } }>('{ signInLockouts { ... on SignInLockoutsSuccess { data { subject locked } } } }');
    // The user is locked; the address only delayed (behind a proxy it would be everyone).
    expect(lockouts.signInLockouts.data).toEqual(
      expect.arrayContaining([
        { subject: 'user:bob', locked: true },
        { subject: 'ip:127.0.0.1', locked: false },
      ]),
    );
    await root.data('mutation { clearSignInLockout(input: { userName: "bob" }) { __typename } }');
    await root.data('mutation { clearSignInLockout(input: { sourceIp: "127.0.0.1" }) { __typename } }');
    expect((await signIn({ account: accountId, userName: 'bob', password: 'Correct-Horse-2' })).signIn.data?.__typename).toBe('SignedIn');
    const audit = await root.data<{ auditEvents: { data: { edges: { node: { type: string } }[] } } }>('{ auditEvents(first: 50) { ... on AuditEventsSuccess { data { edges { node { type } } } } } }');
    const types = audit.auditEvents.data.edges.map((edge) => edge.node.type);
    expect(types.filter((type) => type === 'SignInFailed')).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(['SignInLockoutCleared', 'SignInSucceeded']));
  });

  it('serves a sign-in form at /signin/ALIAS whose session cookie the API accepts', async () => {
    const { alias, accountId } = await tenantWithUser('carol', 'Correct-Horse-3');
    const form = await fetch(new URL(`/signin/${alias}`, warden.url), { headers: { accept: 'text/html' } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post">');
    const wrong = await fetch(new URL(`/signin/${alias}`, warden.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName: 'carol', password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Your authentication information is incorrect');
    const ok = await fetch(new URL(`/signin/${alias}`, warden.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ userName: 'carol', password: 'Correct-Horse-3' }),
    });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-warden_session=.+; Path=\/; Secure; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const sessionCookie = cookie.split(';')[0]!;
    const identity = await post({ query: '{ callerIdentity { arn } }' }, { cookie: sessionCookie });
    expect(identity.body.data?.['callerIdentity']).toEqual({ arn: `arn:aws:iam::${accountId}:user/carol` });
    // The cookie counts for same-origin JSON POSTs only: not from another origin, not as a form.
    expect((await post({ query: '{ callerIdentity { arn } }' }, { cookie: sessionCookie, origin: 'http://evil.example' })).status).toBe(401);
    const asForm = await fetch(warden.url, { method: 'POST', headers: { cookie: sessionCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7BcallerIdentity%7Barn%7D%7D' });
    expect(asForm.status).toBe(401);
    // Nor does another origin sign a browser in (login CSRF).
    const crossSite = await fetch(new URL(`/signin/${alias}`, warden.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: new URLSearchParams({ userName: 'carol', password: 'Correct-Horse-3' }),
    });
    expect(crossSite.status).toBe(403);
  });

  it('lets the root user sign in with the root email; no password, hash, seed or token is in the events or the logs', async () => {
    const { root, accountId } = await tenantWithUser('dave', 'Correct-Horse-4');
    const set = await root.data<{ setRootLoginProfile: { __typename: string } }>('mutation { setRootLoginProfile(input: { email: "owner@example.com", password: "Root-Password-5" }) { __typename } }');
    expect(set.setRootLoginProfile.__typename).toBe('SetRootLoginProfileSuccess');
    const rootSession = await signIn({ account: accountId, email: 'owner@example.com', password: 'Root-Password-5' });
    expect(rootSession.signIn.data).toMatchObject({ __typename: 'SignedIn', principalArn: `arn:aws:iam::${accountId}:root` });
    const device = await root.data<{ createVirtualMFADevice: { data: { base32StringSeed: string } } }>(
      'mutation { createVirtualMFADevice(input: { virtualMFADeviceName: "spare" }) { ... on CreateVirtualMFADeviceSuccess { data { base32StringSeed } } } }',
    );
    const daveSession = await signIn({ account: accountId, userName: 'dave', password: 'Correct-Horse-4' });

    const events = await inAccountTransaction(warden.wardenDb.db, accountId, (trx) => trx.selectFrom('events').select(['type', 'data', 'metadata']).where('account_id', '=', accountId).execute());
    const haystacks = { events: JSON.stringify(events), logs: logLines.join('') };
    // The scan reads the request log of these very sign-ins.
    expect(logLines.filter((line) => line.includes('"msg":"request"') && line.includes('"path":"/graphql"')).length).toBeGreaterThanOrEqual(3);
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of [
        'Correct-Horse-4',
        'Root-Password-5',
        '$argon2',
        device.createVirtualMFADevice.data.base32StringSeed,
        rootSession.signIn.data!.token!.split('.')[1]!,
        daveSession.signIn.data!.token!.split('.')[1]!,
      ]) {
        expect(text.includes(secret), `${secret.slice(0, 12)}… in the ${where}`).toBe(false);
      }
    }
  });
});
