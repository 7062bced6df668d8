import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { defaultSamlEndpoints, verifySamlResponse, type SamlIdentityProvider } from '../src/federation/saml-response.js';
import { ExpiredTokenError, IdpRejectedClaimError, InvalidIdentityTokenError } from '../src/kernel/iam-error.js';
import { makeSamlSigningIdentity, type SamlSigningIdentity } from './saml-idp-identity.js';
import { AWS_SAML_AUDIENCE, base64, samlAssertionXml, samlId, samlResponse, samlResponseXml, signSamlElement, SIGNING, type SamlResponseOptions } from './saml-idp.js';

const ISSUER = 'https://idp.example.test/saml/metadata';
const ROLE = 'arn:aws:iam::123456789012:role/Admins';
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/Corp';
const endpoints = defaultSamlEndpoints('https://warden.example.test');

describe('verifySamlResponse', () => {
  let idp: SamlSigningIdentity;
  let rotated: SamlSigningIdentity;
  let attacker: SamlSigningIdentity;
  let provider: SamlIdentityProvider;
  beforeAll(() => {
    idp = makeSamlSigningIdentity('Corp IdP');
    rotated = makeSamlSigningIdentity('Corp IdP 2027');
    attacker = makeSamlSigningIdentity('Corp IdP');
    provider = { entityId: ISSUER, signingCertificatesPem: [idp.certificatePem] };
  });

  const options = (extra: Partial<SamlResponseOptions> = {}): SamlResponseOptions => ({ issuer: ISSUER, signer: idp, roles: [`${ROLE},${PROVIDER}`], ...extra });
  const verify = (xml: string, keys: SamlIdentityProvider = provider, now = new Date()) => verifySamlResponse(base64(xml), keys, endpoints, now);
  /** Only what was signed may change the outcome: a refusal is InvalidIdentityToken with this message. */
  const refused = (xml: string, message: RegExp, keys: SamlIdentityProvider = provider) => {
    expect(() => verify(xml, keys)).toThrow(InvalidIdentityTokenError);
    expect(() => verify(xml, keys)).toThrow(message);
  };

  it('reads a valid response signed on the assertion: issuer, subject, audience, recipient, roles, session name and attributes', () => {
    const assertionId = samlId();
    const verified = verify(
      samlResponse(
        options({
          assertionId,
          nameId: 'alice@example.com',
          roles: [`${ROLE},${PROVIDER}`, `${PROVIDER.replace('Corp', 'Other')},${ROLE.replace('Admins', 'Readers')}`],
          roleSessionName: 'alice@example.com',
          sessionDuration: '1800',
          tags: { Department: 'Engineering', CostCenter: '42' },
          transitiveTagKeys: ['Department'],
          sourceIdentity: 'alice',
          sessionNotOnOrAfterSeconds: 7200,
          attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': ['alice@example.edu'], 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'], 'urn:oid:2.5.4.3': ['Alice'] },
        }),
      ),
    );
    expect(verified).toMatchObject({
      issuer: ISSUER,
      assertionId,
      subject: 'alice@example.com',
      subjectType: 'persistent',
      audience: AWS_SAML_AUDIENCE,
      recipient: AWS_SAML_AUDIENCE,
      // AWS: the pair may be written either way round.
      roles: [
        { roleArn: ROLE, providerArn: PROVIDER },
        { roleArn: ROLE.replace('Admins', 'Readers'), providerArn: PROVIDER.replace('Corp', 'Other') },
      ],
      roleSessionName: 'alice@example.com',
      sessionDuration: 1800,
      tags: [
        { key: 'Department', value: 'Engineering' },
        { key: 'CostCenter', value: '42' },
      ],
      transitiveTagKeys: ['Department'],
      sourceIdentity: 'alice',
      contextAttributes: { 'saml:edupersonprincipalname': ['alice@example.edu'], 'saml:edupersonaffiliation': ['staff', 'member'], 'saml:cn': ['Alice'] },
    });
    expect(verified.assertionHash).toMatch(/^[0-9a-f]{64}$/);
    expect(verified.sessionNotOnOrAfter!.getTime()).toBeGreaterThan(Date.now() + 7000_000);
  });

  it("answers AWS's SubjectType: the 2.0 nameid-format prefix dropped, another format whole, none as unspecified", () => {
    expect(verify(samlResponse(options({ nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' }))).subjectType).toBe('transient');
    expect(verify(samlResponse(options({ nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }))).subjectType).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    expect(verify(samlResponse(options({ nameIdFormat: null }))).subjectType).toBe('urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified');
  });

  it('accepts a response signed on the Response only, or on both, and Warden’s own /saml endpoint as audience and recipient', () => {
    expect(verify(samlResponse(options({ sign: 'response' }))).subject).toBe('alice@example.com');
    expect(verify(samlResponse(options({ sign: 'both' }))).subject).toBe('alice@example.com');
    const own = verify(samlResponse(options({ audiences: ['https://warden.example.test/saml'], recipient: 'https://warden.example.test/saml', destination: 'https://warden.example.test/saml' })));
    expect(own).toMatchObject({ audience: 'https://warden.example.test/saml', recipient: 'https://warden.example.test/saml' });
  });

  it('reads a time without a zone as UTC (SAML times are UTC), and refuses one that is not an xs:dateTime', () => {
    // In a zone other than UTC, so that reading the time as local time would fail here.
    const zone = process.env['TZ'];
    process.env['TZ'] = 'Asia/Tokyo';
    onTestFinished(() => {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    });
    const now = new Date();
    const zoneless = samlResponse(options({ now, signer: null }));
    const end = new Date(now.getTime() + 300_000).toISOString();
    const signed = (xml: string) => signSamlElement(xml, 'Response', idp);
    expect(verify(signed(zoneless.replaceAll(`NotOnOrAfter="${end}"`, `NotOnOrAfter="${end.slice(0, -1)}"`)), provider, now).notOnOrAfter.getTime()).toBe(now.getTime() + 300_000);
    refused(signed(zoneless.replaceAll(`NotOnOrAfter="${end}"`, 'NotOnOrAfter="tomorrow"')), /is not an xs:dateTime/);
  });

  it('keeps the earlier NotOnOrAfter (Conditions or SubjectConfirmationData) for replay retention', () => {
    const now = new Date();
    const verified = verify(samlResponse(options({ now, notOnOrAfterSeconds: 600, confirmationNotOnOrAfterSeconds: 120 })), provider, now);
    expect(verified.notOnOrAfter.getTime()).toBe(now.getTime() + 120_000);
  });

  // SAML core 2.5.1.2 (NotBefore/NotOnOrAfter) and the web SSO profile 4.1.4.2 (bearer SubjectConfirmationData NotOnOrAfter), with AWS's five minutes of skew.
  it('refuses an expired assertion (Conditions or SubjectConfirmationData) as ExpiredToken, and one not valid yet', () => {
    expect(() => verify(samlResponse(options({ notOnOrAfterSeconds: -301 })))).toThrow(ExpiredTokenError);
    expect(() => verify(samlResponse(options({ confirmationNotOnOrAfterSeconds: -301 })))).toThrow(ExpiredTokenError);
    expect(() => verify(samlResponse(options({ confirmationNotOnOrAfterSeconds: -301 })))).toThrow(/SubjectConfirmationData NotOnOrAfter has passed/);
    refused(samlResponse(options({ notBeforeSeconds: 400 })), /not valid yet/);
    refused(samlResponse(options({ issuedSeconds: 400 })), /issued in the future/);
    // Within the skew both ways, accepted.
    expect(verify(samlResponse(options({ notOnOrAfterSeconds: -200, confirmationNotOnOrAfterSeconds: -200 }))).subject).toBe('alice@example.com');
    expect(verify(samlResponse(options({ notBeforeSeconds: 200, issuedSeconds: 200 }))).subject).toBe('alice@example.com');
  });

  // AWS: the Audience must be AWS's sign-in endpoint (or here Warden's own), and the Recipient must match the sign-in endpoint URL.
  it('refuses a wrong audience, a wrong recipient, a wrong Destination and a wrong issuer', () => {
    refused(samlResponse(options({ audiences: ['https://other-sp.example.test'] })), /Incorrect SAML audience/);
    refused(samlResponse(options({ recipient: 'https://other-sp.example.test/acs' })), /Recipient is not a SAML endpoint/);
    refused(samlResponse(options({ destination: 'https://other-sp.example.test/acs' })), /Destination/);
    refused(samlResponse(options({ issuer: 'https://evil.example.test' })), /Issuer is not the SAML provider's entity ID/);
  });

  it('refuses a response whose status is not Success as IDPRejectedClaim', () => {
    expect(() => verify(samlResponse(options({ status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' })))).toThrow(IdpRejectedClaimError);
  });

  it('refuses an unsigned response, one signed by another key (whatever certificate its KeyInfo carries), and SHA-1', () => {
    refused(samlResponse(options({ signer: null })), /not signed/);
    // The attacker's certificate is in the KeyInfo, with the same subject name: never trusted.
    refused(samlResponse(options({ signer: attacker })), /does not verify with the SAML provider's signing certificates/);
    refused(samlResponse(options({ algorithms: SIGNING.rsaSha1 })), /SHA-1, which is refused/);
    refused(samlResponse(options({ algorithms: SIGNING.rsaSha256DigestSha1 })), /SHA-1, which is refused/);
  });

  it('refuses a signed value changed after signing (RoleSessionName, Role, NameID)', () => {
    const signed = samlResponse(options({ roleSessionName: 'alice' }));
    expect(verify(signed).roleSessionName).toBe('alice');
    refused(signed.replace('>alice<', '>admin<'), /does not verify/);
    refused(signed.replace('role/Admins', 'role/Root'), /does not verify/);
    refused(signed.replace('alice@example.com', 'bob@example.com'), /does not verify/);
  });

  // The 2018 NameID comment trick: exclusive c14n without comments drops the comment, so the signature
  // still verifies; a reader of the first text node would see "alice@evil.test" only.
  it('reads a NameID with a comment inserted after signing as the whole signed text, never cut short', () => {
    const signed = samlResponse(options({ nameId: 'alice@evil.test.example.com', sign: 'response' }));
    const commented = signed.replace('alice@evil.test.example.com', 'alice@evil.test<!---->.example.com');
    expect(commented).toContain('<!---->');
    expect(verify(commented).subject).toBe('alice@evil.test.example.com');
    const assertionSigned = samlResponse(options({ nameId: 'alice@evil.test.example.com' })).replace('alice@evil.test.example.com', 'alice@evil.test<!---->.example.com');
    expect(verify(assertionSigned).subject).toBe('alice@evil.test.example.com');
  });

  describe('signature wrapping', () => {
    const evilAssertion = () => samlAssertionXml(options({ nameId: 'admin@example.com', roleSessionName: 'admin', roles: [`${ROLE.replace('Admins', 'Root')},${PROVIDER}`] }));

    it('refuses a second, unsigned Assertion added before or after the signed one', () => {
      const signedAssertion = signSamlElement(samlAssertionXml(options()), 'Assertion', idp);
      refused(samlResponseXml(options(), evilAssertion() + signedAssertion), /exactly one Assertion/);
      refused(samlResponseXml(options(), signedAssertion + evilAssertion()), /exactly one Assertion/);
      // The same with the Response signed: the evil assertion slipped in after signing.
      const signedResponse = samlResponse(options({ sign: 'response' }));
      refused(signedResponse.replace('<saml:Assertion', `${evilAssertion()}<saml:Assertion`), /exactly one Assertion/);
    });

    it('refuses the signed Assertion moved into Extensions (or a ds:Object) while an evil one takes its place', () => {
      const signedAssertion = signSamlElement(samlAssertionXml(options()), 'Assertion', idp);
      const inExtensions = samlResponseXml(options(), `<samlp:Extensions>${signedAssertion}</samlp:Extensions>${evilAssertion()}`);
      refused(inExtensions, /exactly one Assertion/);
      // The evil assertion alone, the signed one hidden in an Object of the evil one's copied signature.
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signedAssertion)![0];
      const hidden = signature.replace('</ds:Signature>', `<ds:Object>${signedAssertion}</ds:Object></ds:Signature>`);
      const evil = evilAssertion().replace('</saml:Issuer>', `</saml:Issuer>${hidden}`);
      refused(samlResponseXml(options(), evil), /exactly one Assertion|Signature/);
    });

    it('refuses a Response signature whose Reference points at another element', () => {
      const assertion = samlAssertionXml(options());
      const response = samlResponseXml(options(), assertion);
      // Sign the Assertion's ID but place the signature on the Response: a Reference to another element.
      const assertionId = /<saml:Assertion[^>]* ID="([^"]+)"/.exec(response)![1]!;
      const signedAssertion = signSamlElement(assertion, 'Assertion', idp);
      const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signedAssertion)![0];
      const moved = samlResponseXml(options(), assertion).replace('</saml:Issuer>', `</saml:Issuer>${signature}`);
      expect(moved).toContain(`URI="#${assertionId}"`);
      refused(moved, /Reference must point at the ID of the Response/);
    });

    it('refuses duplicate IDs: an evil element carrying the signed assertion’s ID', () => {
      const assertionId = samlId();
      const signedResponse = samlResponse(options({ assertionId }));
      const duplicated = signedResponse.replace('<samlp:Status>', `<samlp:Extensions><x:Other xmlns:x="urn:x" ID="${assertionId}"/></samlp:Extensions><samlp:Status>`);
      // xml-crypto refuses a document where the referenced ID is not unique.
      refused(duplicated, /does not verify/);
    });
  });

  it('accepts either certificate during a rotation, and refuses the old key once the metadata has the new one only', () => {
    const both: SamlIdentityProvider = { entityId: ISSUER, signingCertificatesPem: [idp.certificatePem, rotated.certificatePem] };
    const newOnly: SamlIdentityProvider = { entityId: ISSUER, signingCertificatesPem: [rotated.certificatePem] };
    expect(verify(samlResponse(options()), both).subject).toBe('alice@example.com');
    expect(verify(samlResponse(options({ signer: rotated })), both).subject).toBe('alice@example.com');
    expect(verify(samlResponse(options({ signer: rotated })), newOnly).subject).toBe('alice@example.com');
    refused(samlResponse(options()), /does not verify/, newOnly);
  });

  it('refuses a DOCTYPE (entity expansion), input that is not base64 or is oversize, and encrypted assertions', () => {
    const signed = samlResponse(options());
    const bomb = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${signed.replace('>alice<', '>&b;<')}`;
    refused(bomb, /DOCTYPE/);
    expect(() => verifySamlResponse('not base64!', provider, endpoints, new Date())).toThrow(/base64/);
    expect(() => verifySamlResponse('A'.repeat(100_004), provider, endpoints, new Date())).toThrow(/4 to 100000 characters/);
    refused(samlResponseXml(options(), '<saml:EncryptedAssertion><x/></saml:EncryptedAssertion>'), /Encrypted SAML assertions are not supported/);
    refused('<not-saml/>', /not a SAML 2.0 Response/);
    refused(signed.slice(0, -5), /not well-formed/);
  });

  it("refuses a missing or malformed RoleSessionName, Role and SessionDuration (AWS's attribute rules)", () => {
    refused(samlResponse(options({ roleSessionName: null })), /no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/RoleSessionName attribute/);
    refused(samlResponse(options({ roleSessionName: 'a' })), /RoleSessionName attribute is not valid/);
    refused(samlResponse(options({ roleSessionName: 'has space' })), /RoleSessionName attribute is not valid/);
    refused(samlResponse(options({ roles: [] })), /no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute/);
    refused(samlResponse(options({ roles: [ROLE] })), /role ARN and a SAML provider ARN/);
    refused(samlResponse(options({ sessionDuration: '899' })), /SessionDuration attribute must be/);
    refused(samlResponse(options({ sessionDuration: '43201' })), /SessionDuration attribute must be/);
    refused(samlResponse(options({ tags: { Department: 'x' }, transitiveTagKeys: ['Team'] })), /transitive tag key "Team" is not a PrincipalTag/);
  });
});
