import { randomBytes } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { SamlSigningIdentity } from './saml-idp-identity.js';

/**
 * TEST-ONLY: a SAML identity provider that builds SAML 2.0 Responses as Okta or Entra ID send them
 * to AWS (IdP-initiated, bearer subject confirmation, AWS's Role and RoleSessionName attributes)
 * and signs them with xml-crypto (enveloped, exclusive canonicalization, RSA-SHA256 by default).
 * Every option exists to make one bad case; what the defaults make is valid.
 */

export const AWS_SAML_AUDIENCE = 'https://signin.aws.amazon.com/saml';
const ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/';
const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SIGNING = {
  rsaSha256: { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256' },
  rsaSha1: { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
  rsaSha256DigestSha1: { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2000/09/xmldsig#sha1' },
} as const;

export interface SamlResponseOptions {
  readonly issuer: string;
  /** Who signs; `null` leaves the response unsigned. */
  readonly signer: SamlSigningIdentity | null;
  /** Which element the signature is on. */
  readonly sign?: 'assertion' | 'response' | 'both';
  readonly algorithms?: { readonly signature: string; readonly digest: string };
  readonly now?: Date;
  /** Seconds from `now` for the Assertion's IssueInstant. */
  readonly issuedSeconds?: number;
  readonly assertionId?: string;
  readonly responseId?: string;
  readonly nameId?: string;
  readonly nameIdFormat?: string | null;
  readonly audiences?: readonly string[];
  readonly recipient?: string;
  readonly destination?: string | null;
  /** Seconds from `now`. */
  readonly notBeforeSeconds?: number | null;
  readonly notOnOrAfterSeconds?: number | null;
  readonly confirmationNotOnOrAfterSeconds?: number;
  readonly sessionNotOnOrAfterSeconds?: number | null;
  readonly status?: string;
  /** `roleArn,providerArn` values of the Role attribute. */
  readonly roles?: readonly string[];
  readonly roleSessionName?: string | null;
  readonly sessionDuration?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly transitiveTagKeys?: readonly string[];
  readonly sourceIdentity?: string | null;
  /** More attributes, by Name. */
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
}

const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
export const samlId = () => `_${randomBytes(16).toString('hex')}`;

function attribute(name: string, values: readonly string[]): string {
  return `<saml:Attribute Name="${text(name)}">${values.map((value) => `<saml:AttributeValue>${text(value)}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
}

/** The Assertion element, unsigned. */
export function samlAssertionXml(options: SamlResponseOptions): string {
  const now = options.now ?? new Date();
  const format = options.nameIdFormat === undefined ? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent' : options.nameIdFormat;
  const recipient = options.recipient ?? AWS_SAML_AUDIENCE;
  const notBefore = options.notBeforeSeconds === undefined ? -60 : options.notBeforeSeconds;
  const notOnOrAfter = options.notOnOrAfterSeconds === undefined ? 300 : options.notOnOrAfterSeconds;
  const attributes = [
    attribute(`${ATTRIBUTE}Role`, options.roles ?? []),
    ...(options.roleSessionName === null ? [] : [attribute(`${ATTRIBUTE}RoleSessionName`, [options.roleSessionName ?? 'alice'])]),
    ...(options.sessionDuration == null ? [] : [attribute(`${ATTRIBUTE}SessionDuration`, [options.sessionDuration])]),
    ...Object.entries(options.tags ?? {}).map(([key, value]) => attribute(`${ATTRIBUTE}PrincipalTag:${key}`, [value])),
    ...(options.transitiveTagKeys ? [attribute(`${ATTRIBUTE}TransitiveTagKeys`, options.transitiveTagKeys)] : []),
    ...(options.sourceIdentity == null ? [] : [attribute(`${ATTRIBUTE}SourceIdentity`, [options.sourceIdentity])]),
    ...Object.entries(options.attributes ?? {}).map(([name, values]) => attribute(name, values)),
  ];
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${options.assertionId ?? samlId()}" Version="2.0" IssueInstant="${iso(now, options.issuedSeconds ?? 0)}">` +
    `<saml:Issuer>${text(options.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID${format === null ? '' : ` Format="${text(format)}"`}>${text(options.nameId ?? 'alice@example.com')}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(now, options.confirmationNotOnOrAfterSeconds ?? 300)}" Recipient="${text(recipient)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions${notBefore === null ? '' : ` NotBefore="${iso(now, notBefore)}"`}${notOnOrAfter === null ? '' : ` NotOnOrAfter="${iso(now, notOnOrAfter)}"`}>` +
    `<saml:AudienceRestriction>${(options.audiences ?? [AWS_SAML_AUDIENCE]).map((audience) => `<saml:Audience>${text(audience)}</saml:Audience>`).join('')}</saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}"${options.sessionNotOnOrAfterSeconds == null ? '' : ` SessionNotOnOrAfter="${iso(now, options.sessionNotOnOrAfterSeconds)}"`}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes.join('')}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

/** The Response around an assertion's XML (signed or not), unsigned itself. */
export function samlResponseXml(options: SamlResponseOptions, assertionXml: string): string {
  const now = options.now ?? new Date();
  const destination = options.destination === undefined ? AWS_SAML_AUDIENCE : options.destination;
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${options.responseId ?? samlId()}" Version="2.0" IssueInstant="${now.toISOString()}"${destination === null ? '' : ` Destination="${text(destination)}"`}>` +
    `<saml:Issuer>${text(options.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    assertionXml +
    `</samlp:Response>`
  );
}

/** Signs the element `xpath` selects, the Signature placed after its Issuer (where SAML's schema puts it). */
export function signSamlElement(
  xml: string,
  element: 'Assertion' | 'Response',
  signer: SamlSigningIdentity,
  algorithms: { readonly signature: string; readonly digest: string } = SIGNING.rsaSha256,
): string {
  const target = `//*[local-name(.)='${element}']`;
  const signature = new SignedXml({ privateKey: signer.privateKeyPem, publicCert: signer.certificatePem, signatureAlgorithm: algorithms.signature, canonicalizationAlgorithm: EXCLUSIVE_C14N });
  signature.addReference({ xpath: target, transforms: [ENVELOPED, EXCLUSIVE_C14N], digestAlgorithm: algorithms.digest });
  signature.computeSignature(xml, { prefix: 'ds', location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signature.getSignedXml();
}

/** A SAML Response as XML, signed as the options say. */
export function samlResponse(options: SamlResponseOptions): string {
  const sign = options.sign ?? 'assertion';
  let assertion = samlAssertionXml(options);
  if (options.signer && (sign === 'assertion' || sign === 'both')) assertion = signSamlElement(assertion, 'Assertion', options.signer, options.algorithms);
  let response = samlResponseXml(options, assertion);
  if (options.signer && (sign === 'response' || sign === 'both')) response = signSamlElement(response, 'Response', options.signer, options.algorithms);
  return response;
}

/** What a browser posts as SAMLResponse and AssumeRoleWithSAML takes as SAMLAssertion. */
export function base64(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}
