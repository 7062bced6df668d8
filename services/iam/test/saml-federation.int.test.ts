import { inAccountTransaction } from '@warden/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, ExpiredTokenError, InvalidIdentityTokenError, InvalidInputError, replayReadModels } from '../src/index.js';
import { SamlOperations, samlNameQualifier, type SamlProviderLookup, type SamlProviderRecord } from '../src/federation/saml-operations.js';
import { defaultSamlEndpoints } from '../src/federation/saml-response.js';
import type { Caller } from '../src/kernel/command-context.js';
import { makeSamlSigningIdentity, type SamlSigningIdentity } from './saml-idp-identity.js';
import { base64, samlId, samlResponse, type SamlResponseOptions } from './saml-idp.js';
import { DRIVERS, newAccount, openService, type ServiceUnderTest } from './test-service.js';

const ENTITY_ID = 'https://idp.example.test/saml/metadata';

/** Stands in for the SAML provider entity's repository: providers by (account, ARN), and nothing else. */
class InMemorySamlProviders implements SamlProviderLookup {
  private readonly providers = new Map<string, SamlProviderRecord>();
  add(accountId: string, provider: SamlProviderRecord): void {
    this.providers.set(`${accountId}|${provider.arn}`, provider);
  }
  findSamlProvider(_db: unknown, accountId: string, arn: string): Promise<SamlProviderRecord | undefined> {
    return Promise.resolve(this.providers.get(`${accountId}|${arn}`));
  }
}

describe.each([...DRIVERS])('assumeRoleWithSAML on %s', (driver) => {
  let service: ServiceUnderTest;
  let idp: SamlSigningIdentity;
  let saml: SamlOperations;
  const providers = new InMemorySamlProviders();
  beforeAll(async () => {
    service = await openService(driver);
    idp = makeSamlSigningIdentity('Corp IdP');
    saml = new SamlOperations(service.iam.core, service.iam.sts, providers, defaultSamlEndpoints('https://warden.example.test'), service.iam.unsignedExchanges);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  interface Setup {
    root: Caller;
    roleArn: string;
    providerArn: string;
    options: (extra?: Partial<SamlResponseOptions>) => SamlResponseOptions;
  }

  async function setUp(condition?: object, extraActions: string[] = [], providerName = 'Corp'): Promise<Setup> {
    const root = await newAccount(service);
    const providerArn = `arn:aws:iam::${root.accountId}:saml-provider/${providerName}`;
    providers.add(root.accountId, { arn: providerArn, name: providerName, entityId: ENTITY_ID, signingCertificatesPem: [idp.certificatePem] });
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Federated: providerArn }, Action: ['sts:AssumeRoleWithSAML', ...extraActions], ...(condition ? { Condition: condition } : {}) }],
    };
    const role = await service.iam.roles.create(root, { roleName: 'Engineers', assumeRolePolicyDocument: JSON.stringify(trust) });
    await service.iam.roles.putInlinePolicy(root, 'Engineers', 'read', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] }));
    return {
      root,
      roleArn: role.arn,
      providerArn,
      options: (extra = {}) => ({ issuer: ENTITY_ID, signer: idp, roles: [`${role.arn},${providerArn}`], nameId: 'alice@corp.example', roleSessionName: 'alice', ...extra }),
    };
  }

  const assume = (setup: Setup, xml: string, extra: object = {}) =>
    saml.assumeRoleWithSAML({ roleArn: setup.roleArn, principalArn: setup.providerArn, samlAssertion: base64(xml), ...extra }, { sourceIp: '192.0.2.20' });

  it("exchanges a valid assertion for an ordinary assumed-role session, answering AWS's fields, the event naming the provider and subject", async () => {
    const setup = await setUp();
    const answer = await assume(setup, samlResponse(setup.options()));
    // AWS: NameQualifier = BASE64(SHA1(Issuer + account id + "/" + provider name)).
    const { createHash } = await import('node:crypto');
    const expectedQualifier = createHash('sha1').update(`${ENTITY_ID}${setup.root.accountId}/Corp`).digest('base64');
    expect(answer).toMatchObject({
      subject: 'alice@corp.example',
      subjectType: 'persistent',
      issuer: ENTITY_ID,
      audience: 'https://signin.aws.amazon.com/saml',
      nameQualifier: expectedQualifier,
      sourceIdentity: null,
      assumedRoleUser: { arn: `arn:aws:sts::${setup.root.accountId}:assumed-role/Engineers/alice` },
    });
    expect(answer.credentials.accessKeyId).toMatch(/^ASIA/);
    const event = await inAccountTransaction(service.wardenDb.db, setup.root.accountId, (trx) =>
      trx.selectFrom('events').select(['data', 'metadata']).where('account_id', '=', setup.root.accountId).where('type', '=', 'SessionIssued').executeTakeFirstOrThrow(),
    );
    expect(event.metadata).toMatchObject({ actorArn: setup.providerArn, sourceIp: '192.0.2.20' });
    expect((event.data as { saml: object }).saml).toMatchObject({ providerArn: setup.providerArn, issuer: ENTITY_ID, subject: 'alice@corp.example', subjectType: 'persistent' });
    // The session works like any role session: authentication resolves it, and it is authorized by the role's policies.
    const resolved = await service.iam.credentials.resolve(answer.credentials.accessKeyId);
    expect(resolved?.caller.arn).toBe(`arn:aws:sts::${setup.root.accountId}:assumed-role/Engineers/alice`);
    const caller: Caller = { ...resolved!.caller, requestContext: {}, accountEpoch: resolved!.accountEpoch };
    expect((await service.iam.roles.get(caller, 'Engineers')).arn).toBe(setup.roleArn);
    await expect(service.iam.users.list(caller, { first: 10 })).rejects.toThrow(AccessDeniedError);
    // revokeRoleSessions cuts it off.
    await service.iam.sts.revokeRoleSessions(setup.root, 'Engineers', new Date(Date.now() + 1000));
    expect((await service.iam.credentials.resolve(answer.credentials.accessKeyId))?.revoked).toBe(true);
  });

  it('accepts an assertion once only (InvalidIdentityToken), and replay of the read models keeps that', async () => {
    const setup = await setUp();
    const xml = samlResponse(setup.options());
    await assume(setup, xml);
    await expect(assume(setup, xml)).rejects.toThrow(InvalidIdentityTokenError);
    await expect(assume(setup, xml)).rejects.toThrow(/already used/);
    const report = await replayReadModels(service.wardenDb.db, { accountId: setup.root.accountId });
    expect(report.tables.find((table) => table.table === 'used_federation_tokens')).toMatchObject({ live: 1, rebuilt: 1, equal: true });
    // The same assertion ID re-signed in another Response is the same assertion.
    const assertionId = samlId();
    await assume(setup, samlResponse(setup.options({ assertionId })));
    await expect(assume(setup, samlResponse(setup.options({ assertionId, sign: 'response' })))).rejects.toThrow(/already used/);
  });

  it('lets exactly one of several requests racing with one assertion through', async () => {
    const setup = await setUp();
    const xml = samlResponse(setup.options());
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => assume(setup, xml)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InvalidIdentityTokenError);
  });

  it('is decided by the trust policy: another provider trusted is AccessDenied, as is a role that does not exist', async () => {
    const setup = await setUp();
    const other = await setUp(undefined, [], 'Other');
    // A role of `other`'s account trusting only `Other`; the asked provider is `Corp` of the first account.
    await expect(saml.assumeRoleWithSAML({ roleArn: other.roleArn, principalArn: other.providerArn.replace('Other', 'Corp'), samlAssertion: base64(samlResponse(other.options())) })).rejects.toThrow(
      InvalidIdentityTokenError,
    );
    providers.add(other.root.accountId, { arn: other.providerArn.replace('Other', 'Corp'), name: 'Corp', entityId: ENTITY_ID, signingCertificatesPem: [idp.certificatePem] });
    const corpInOther = other.providerArn.replace('Other', 'Corp');
    await expect(
      saml.assumeRoleWithSAML({ roleArn: other.roleArn, principalArn: corpInOther, samlAssertion: base64(samlResponse(other.options({ roles: [`${other.roleArn},${corpInOther}`] }))) }),
    ).rejects.toThrow(AccessDeniedError);
    const missing = `arn:aws:iam::${setup.root.accountId}:role/Missing`;
    await expect(
      saml.assumeRoleWithSAML({ roleArn: missing, principalArn: setup.providerArn, samlAssertion: base64(samlResponse(setup.options({ roles: [`${missing},${setup.providerArn}`] }))) }),
    ).rejects.toThrow(AccessDeniedError);
  });

  it('refuses a role and provider the assertion does not pair', async () => {
    const setup = await setUp();
    const elsewhere = `arn:aws:iam::${setup.root.accountId}:role/Admins`;
    await expect(assume(setup, samlResponse(setup.options({ roles: [`${elsewhere},${setup.providerArn}`] })))).rejects.toThrow(/does not pair this role with this SAML provider/);
    await expect(assume(setup, samlResponse(setup.options({ roles: [`${elsewhere},${setup.providerArn}`] })))).rejects.toThrow(AccessDeniedError);
  });

  // IAM User Guide, "Available keys for SAML-based AWS STS federation": saml:aud is the Recipient, saml:sub the NameID, saml:namequalifier the hash.
  it('applies trust policy conditions on saml:sub, saml:aud, saml:namequalifier, saml:sub_type and a mapped eduPerson attribute', async () => {
    const probe = await setUp();
    const qualifier = samlNameQualifier(ENTITY_ID, probe.root.accountId, 'Corp');
    const setup = await setUp({
      StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml', 'SAML:sub_type': 'persistent' },
      StringLike: { 'saml:sub': '*@corp.example' },
    });
    await expect(assume(setup, samlResponse(setup.options({ nameId: 'mallory@evil.example' })))).rejects.toThrow(AccessDeniedError);
    await expect(assume(setup, samlResponse(setup.options({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' })))).rejects.toThrow(AccessDeniedError);
    await assume(setup, samlResponse(setup.options()));
    // Warden's own endpoint is accepted by verification, but this trust policy wants AWS's.
    const own = 'https://warden.example.test/saml';
    await expect(assume(setup, samlResponse(setup.options({ recipient: own, audiences: [own], destination: own })))).rejects.toThrow(AccessDeniedError);

    const qualified = await setUp({ StringEquals: { 'saml:namequalifier': samlNameQualifier(ENTITY_ID, '000000000000', 'Corp') } });
    await expect(assume(qualified, samlResponse(qualified.options()))).rejects.toThrow(AccessDeniedError);
    const right = await setUp();
    await service.iam.roles.updateAssumeRolePolicy(
      right.root,
      'Engineers',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: right.providerArn },
            Action: 'sts:AssumeRoleWithSAML',
            Condition: { StringEquals: { 'saml:namequalifier': samlNameQualifier(ENTITY_ID, right.root.accountId, 'Corp'), 'saml:edupersonprincipalname': 'alice@corp.example' } },
          },
        ],
      }),
    );
    await expect(assume(right, samlResponse(right.options()))).rejects.toThrow(AccessDeniedError);
    const answer = await assume(right, samlResponse(right.options({ attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': ['alice@corp.example'] } })));
    expect(answer.nameQualifier).toBe(samlNameQualifier(ENTITY_ID, right.root.accountId, 'Corp'));
    expect(qualifier).not.toBe(answer.nameQualifier);
  });

  it('takes session tags only when the trust policy allows sts:TagSession, and a source identity only with sts:SetSourceIdentity', async () => {
    const tagged = { tags: { Department: 'Engineering' }, transitiveTagKeys: ['Department'] };
    const without = await setUp();
    await expect(assume(without, samlResponse(without.options(tagged)))).rejects.toThrow(AccessDeniedError);
    const withTags = await setUp(undefined, ['sts:TagSession']);
    const answer = await assume(withTags, samlResponse(withTags.options(tagged)));
    const resolved = await service.iam.credentials.resolve(answer.credentials.accessKeyId);
    expect(resolved?.caller.session?.tags).toEqual([{ key: 'Department', value: 'Engineering' }]);
    await expect(assume(withTags, samlResponse(withTags.options({ sourceIdentity: 'alice' })))).rejects.toThrow(AccessDeniedError);
    const withSource = await setUp(undefined, ['sts:SetSourceIdentity']);
    expect((await assume(withSource, samlResponse(withSource.options({ sourceIdentity: 'alice' })))).sourceIdentity).toBe('alice');
  });

  it('ends the session at SessionNotOnOrAfter when that comes before DurationSeconds, and keeps the role maximum', async () => {
    const setup = await setUp();
    const now = Date.now();
    const capped = await assume(setup, samlResponse(setup.options({ sessionNotOnOrAfterSeconds: 1200 })), { durationSeconds: 3600 });
    expect(capped.credentials.expiration.getTime()).toBeLessThanOrEqual(now + 1200_000 + 5_000);
    expect(capped.credentials.expiration.getTime()).toBeGreaterThan(now + 1100_000);
    const full = await assume(setup, samlResponse(setup.options()), { durationSeconds: 1800 });
    expect(Math.abs(full.credentials.expiration.getTime() - (now + 1800_000))).toBeLessThan(60_000);
    await expect(assume(setup, samlResponse(setup.options()), { durationSeconds: 7200 })).rejects.toThrow(/maximum session duration, 3600/);
  });

  it('refuses bad input: a malformed ARN, an unknown provider, an expired or tampered assertion; nothing is issued', async () => {
    const setup = await setUp();
    await expect(saml.assumeRoleWithSAML({ roleArn: 'nope', principalArn: setup.providerArn, samlAssertion: 'abcd' })).rejects.toThrow(InvalidInputError);
    await expect(saml.assumeRoleWithSAML({ roleArn: setup.roleArn, principalArn: `arn:aws:iam::${setup.root.accountId}:role/x`, samlAssertion: 'abcd' })).rejects.toThrow(InvalidInputError);
    await expect(
      saml.assumeRoleWithSAML({ roleArn: setup.roleArn, principalArn: `arn:aws:iam::${setup.root.accountId}:saml-provider/Unknown`, samlAssertion: base64(samlResponse(setup.options())) }),
    ).rejects.toThrow(/No SAML provider/);
    await expect(assume(setup, samlResponse(setup.options({ notOnOrAfterSeconds: -600, confirmationNotOnOrAfterSeconds: -600 })))).rejects.toThrow(ExpiredTokenError);
    await expect(assume(setup, samlResponse(setup.options()).replace('>alice<', '>root<'))).rejects.toThrow(InvalidIdentityTokenError);
    const sessions = await inAccountTransaction(service.wardenDb.db, setup.root.accountId, (trx) =>
      trx.selectFrom('events').select('type').where('account_id', '=', setup.root.accountId).where('type', '=', 'SessionIssued').execute(),
    );
    expect(sessions).toHaveLength(0);
  });
});
