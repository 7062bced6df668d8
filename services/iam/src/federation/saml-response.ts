import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { parseArn } from '@warden/policy';
import { SignedXml } from 'xml-crypto';
import { ExpiredTokenError, IdpRejectedClaimError, InvalidIdentityTokenError } from '../kernel/iam-error.js';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../kernel/token-clock-skew.js';
import { checkRoleSessionName, checkTags, type Tag } from '../naming/index.js';

/**
 * Verification of a base64 SAML 2.0 Response for AssumeRoleWithSAML, with xml-crypto and
 * @xmldom/xmldom, against the SAML provider's signing certificates only (a KeyInfo in the message
 * is never trusted). Every claim is read from the XML the signature covers (xml-crypto's signed
 * reference, canonicalized and parsed again), never from the document as received: what was not
 * signed cannot be read, which is what defeats signature wrapping, and exclusive canonicalization
 * without comments makes a comment inside a value disappear rather than cut the value short.
 * Errors are AWS's: ExpiredToken for a time passed, IDPRejectedClaim for a Response whose status
 * is not Success, InvalidIdentityToken for everything else about the assertion.
 */

/** AWS's length limits for SAMLAssertion (base64). */
export const SAML_ASSERTION_LENGTH = { min: 4, max: 100_000 } as const;

/** The audience and recipient AWS's own sign-in endpoint is known by. */
export const AWS_SAML_ENDPOINT = 'https://signin.aws.amazon.com/saml';

/** Where AWS's SAML attributes live. */
export const AWS_SAML_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/';
const ATTRIBUTE = {
  role: `${AWS_SAML_ATTRIBUTE}Role`,
  roleSessionName: `${AWS_SAML_ATTRIBUTE}RoleSessionName`,
  sessionDuration: `${AWS_SAML_ATTRIBUTE}SessionDuration`,
  principalTagPrefix: `${AWS_SAML_ATTRIBUTE}PrincipalTag:`,
  transitiveTagKeys: `${AWS_SAML_ATTRIBUTE}TransitiveTagKeys`,
  sourceIdentity: `${AWS_SAML_ATTRIBUTE}SourceIdentity`,
} as const;

/**
 * The SAML attributes AWS turns into trust-policy condition keys (IAM User Guide, "Mapping SAML
 * attributes to AWS trust policy context keys"): eduPerson and eduOrg by their OIDs, and cn.
 */
const CONTEXT_KEY_OF_ATTRIBUTE: Readonly<Record<string, string>> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': 'saml:edupersonaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.2': 'saml:edupersonnickname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': 'saml:edupersonorgdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.4': 'saml:edupersonorgunitdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': 'saml:edupersonprimaryaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': 'saml:edupersonprincipalname',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': 'saml:edupersonentitlement',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.8': 'saml:edupersonprimaryorgunitdn',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': 'saml:edupersonscopedaffiliation',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.10': 'saml:edupersontargetedid',
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.11': 'saml:edupersonassurance',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.2': 'saml:eduorghomepageuri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.3': 'saml:eduorgidentityauthnpolicyuri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.4': 'saml:eduorglegalname',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.5': 'saml:eduorgsuperioruri',
  'urn:oid:1.3.6.1.4.1.5923.1.2.1.6': 'saml:eduorgwhitepagesuri',
  'urn:oid:2.5.4.3': 'saml:cn',
};

const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;
const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const NAME_ID_FORMAT_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';
/** SAML core: a NameID without Format is unspecified. */
const UNSPECIFIED_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const EXCLUSIVE_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SIGNATURE_ALGORITHMS: readonly string[] = ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512'];
const DIGEST_ALGORITHMS: readonly string[] = ['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512'];
const SHA1_ALGORITHMS: readonly string[] = ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'http://www.w3.org/2000/09/xmldsig#sha1'];

const DURATION = { min: 900, max: 43_200 } as const;

/** What the SAML provider says of itself: its entity id (the assertions' Issuer) and its signing certificates. */
export interface SamlIdentityProvider {
  readonly entityId: string;
  /** PEM certificates; a rotation publishes two, and either verifies. */
  readonly signingCertificatesPem: readonly string[];
}

/** The audiences and recipients an assertion may name: AWS's endpoint and Warden's own `…/saml`. */
export interface SamlEndpoints {
  readonly audiences: readonly string[];
  readonly recipients: readonly string[];
}

/** AWS's sign-in endpoint, plus Warden's own `<publicUrl>/saml` when Warden has a public URL. */
export function defaultSamlEndpoints(publicUrl?: string): SamlEndpoints {
  const own = publicUrl ? [`${publicUrl.replace(/\/+$/, '')}/saml`] : [];
  return { audiences: [AWS_SAML_ENDPOINT, ...own], recipients: [AWS_SAML_ENDPOINT, ...own] };
}

export interface SamlRolePair {
  readonly roleArn: string;
  readonly providerArn: string;
}

export interface VerifiedSamlAssertion {
  /** The assertion's Issuer: the provider's entity id. */
  readonly issuer: string;
  readonly assertionId: string;
  /** SHA-256 of issuer and assertion ID, hex: what replay protection remembers. */
  readonly assertionHash: string;
  /** The NameID, as signed. */
  readonly subject: string;
  /** AWS's SubjectType: the NameID Format without `urn:oasis:names:tc:SAML:2.0:nameid-format:`, other formats whole. */
  readonly subjectType: string;
  /** The accepted audience the assertion names. */
  readonly audience: string;
  /** SubjectConfirmationData's Recipient (AWS's `saml:aud`). */
  readonly recipient: string;
  readonly roles: readonly SamlRolePair[];
  readonly roleSessionName: string;
  readonly sessionDuration: number | undefined;
  /** AuthnStatement's SessionNotOnOrAfter: a session issued for the assertion ends by then. */
  readonly sessionNotOnOrAfter: Date | undefined;
  readonly tags: readonly Tag[];
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity: string | undefined;
  /** The attributes AWS exposes as `saml:*` condition keys (eduPerson, eduOrg, cn), by key. */
  readonly contextAttributes: Readonly<Record<string, readonly string[]>>;
  /** The last instant the assertion could be accepted (the earlier NotOnOrAfter), for replay retention. */
  readonly notOnOrAfter: Date;
}

/** Decodes, verifies and reads a base64 SAML Response. Throws an IamError for anything it refuses. */
export function verifySamlResponse(samlResponse: string, provider: SamlIdentityProvider, endpoints: SamlEndpoints, now: Date): VerifiedSamlAssertion {
  const xml = decode(samlResponse);
  const document = parseXml(xml);
  const response = document.documentElement;
  if (!response || !isElement(response, NS.protocol, 'Response')) throw invalid('The SAML message is not a SAML 2.0 Response (samlp:Response).');
  if (document.getElementsByTagNameNS(NS.assertion, 'EncryptedAssertion').length > 0)
    throw invalid('Encrypted SAML assertions are not supported: configure the identity provider to sign the assertion without encrypting it.');
  const assertions = document.getElementsByTagNameNS(NS.assertion, 'Assertion');
  if (assertions.length !== 1) throw invalid(`The SAML response must hold exactly one Assertion; it holds ${assertions.length}.`);
  const assertion = assertions.item(0)!;
  if (assertion.parentNode !== response) throw invalid('The Assertion must be a direct child of the Response.');
  checkStatus(response);

  const signed = verifiedAssertion(xml, document, response, assertion, provider.signingCertificatesPem);
  return readAssertion(signed, response, provider, endpoints, now);
}

function decode(samlResponse: string): string {
  if (typeof samlResponse !== 'string' || samlResponse.length < SAML_ASSERTION_LENGTH.min || samlResponse.length > SAML_ASSERTION_LENGTH.max) {
    throw invalid(`SAMLAssertion must be ${SAML_ASSERTION_LENGTH.min} to ${SAML_ASSERTION_LENGTH.max} characters of base64.`);
  }
  const compact = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw invalid('SAMLAssertion must be the base64 encoding of the SAML Response.');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Well-formed XML without a DTD: a DOCTYPE is how entity expansion and external entities get in. */
function parseXml(xml: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('The SAML response has a DOCTYPE or an entity declaration; neither is accepted.');
  let problem = false;
  const flag = () => {
    problem = true;
  };
  const document = new DOMParser({ errorHandler: { warning: () => undefined, error: flag, fatalError: flag } }).parseFromString(xml, 'text/xml');
  if (problem || !document.documentElement) throw invalid('The SAML response is not well-formed XML.');
  return document;
}

function checkStatus(response: Element): void {
  const status = onlyChild(response, NS.protocol, 'Status', 'Response');
  const code = onlyChild(status, NS.protocol, 'StatusCode', 'Status');
  const value = code.getAttribute('Value');
  if (value !== STATUS_SUCCESS) {
    throw new IdpRejectedClaimError(`The identity provider did not authenticate the user: the SAML response's status is ${JSON.stringify((value ?? '').slice(0, 200))}, not Success.`);
  }
}

/**
 * The Assertion as its signature covers it, parsed again from the signed canonical XML. The
 * Assertion's own signature is preferred; without one, the Response's signature must cover the
 * Response that holds it. Every signature present must verify.
 */
function verifiedAssertion(xml: string, document: Document, response: Element, assertion: Element, certificates: readonly string[]): Element {
  const signatures = Array.from(document.getElementsByTagNameNS(NS.dsig, 'Signature'));
  for (const signature of signatures) {
    if (signature.parentNode !== response && signature.parentNode !== assertion) throw invalid('A Signature may only sign the Response or the Assertion, as its direct child.');
  }
  const own = signatures.filter((signature) => signature.parentNode === assertion);
  const outer = signatures.filter((signature) => signature.parentNode === response);
  if (own.length > 1 || outer.length > 1) throw invalid('The Response and the Assertion may each carry one Signature only.');
  if (own.length === 0 && outer.length === 0) throw invalid('The SAML response is not signed: the identity provider must sign the Assertion or the Response.');

  const responseSigned = outer[0] ? parseSigned(verifySignature(xml, outer[0], response, certificates)) : undefined;
  const assertionSigned = own[0] ? parseSigned(verifySignature(xml, own[0], assertion, certificates)) : undefined;
  const id = assertion.getAttribute('ID') ?? '';
  if (assertionSigned) {
    if (!isElement(assertionSigned, NS.assertion, 'Assertion') || assertionSigned.getAttribute('ID') !== id) throw invalid('The Assertion signature does not cover the Assertion.');
    return assertionSigned;
  }
  if (!responseSigned || !isElement(responseSigned, NS.protocol, 'Response') || responseSigned.getAttribute('ID') !== response.getAttribute('ID')) {
    throw invalid('The Response signature does not cover the Response.');
  }
  const inside = responseSigned.getElementsByTagNameNS(NS.assertion, 'Assertion');
  const signedAssertion = inside.item(0);
  if (inside.length !== 1 || !signedAssertion || signedAssertion.parentNode !== responseSigned || signedAssertion.getAttribute('ID') !== id) {
    throw invalid('The signed Response must hold exactly the one Assertion.');
  }
  return signedAssertion;
}

/**
 * Checks the signature's shape (one reference, to its parent's ID, enveloped and exclusive
 * canonicalization without comments, SHA-256 or SHA-512) and verifies it with each of the
 * provider's certificates in turn. Returns the canonical XML of what it signs.
 */
function verifySignature(xml: string, signature: Element, signedElement: Element, certificates: readonly string[]): string {
  const id = signedElement.getAttribute('ID');
  if (!id) throw invalid(`The signed ${signedElement.localName} has no ID.`);
  const children = elementChildren(signature).map((child) => `${child.namespaceURI}|${child.localName}`);
  const expected = [`${NS.dsig}|SignedInfo`, `${NS.dsig}|SignatureValue`];
  if (!(children.length === 2 || (children.length === 3 && children[2] === `${NS.dsig}|KeyInfo`)) || children[0] !== expected[0] || children[1] !== expected[1]) {
    throw invalid('The Signature must hold SignedInfo, SignatureValue and at most a KeyInfo, in that order.');
  }
  // xml-crypto finds these by local name anywhere in the Signature, so each must be there once.
  for (const name of ['SignedInfo', 'CanonicalizationMethod', 'SignatureMethod', 'Reference', 'Transforms', 'DigestMethod', 'DigestValue', 'SignatureValue']) {
    if (signature.getElementsByTagNameNS('*', name).length !== 1) throw invalid(`The Signature must hold exactly one ${name}, with one Reference.`);
  }
  const algorithm = (name: string) => signature.getElementsByTagNameNS('*', name).item(0)?.getAttribute('Algorithm') ?? '';
  const signatureMethod = algorithm('SignatureMethod');
  const digestMethod = algorithm('DigestMethod');
  if (SHA1_ALGORITHMS.includes(signatureMethod) || SHA1_ALGORITHMS.includes(digestMethod)) {
    throw invalid('The SAML response is signed with SHA-1, which is refused: configure the identity provider to sign with RSA-SHA256 and digest with SHA-256.');
  }
  if (!SIGNATURE_ALGORITHMS.includes(signatureMethod)) throw invalid('The SAML signature algorithm is not accepted: use RSA-SHA256 or RSA-SHA512.');
  if (!DIGEST_ALGORITHMS.includes(digestMethod)) throw invalid('The SAML digest algorithm is not accepted: use SHA-256 or SHA-512.');
  if (algorithm('CanonicalizationMethod') !== EXCLUSIVE_C14N) throw invalid('The SignedInfo must be canonicalized with exclusive XML canonicalization (without comments).');
  const reference = signature.getElementsByTagNameNS('*', 'Reference').item(0)!;
  if (reference.getAttribute('URI') !== `#${id}`) throw invalid(`The Signature's Reference must point at the ID of the ${signedElement.localName} that holds it.`);
  const transforms = Array.from(signature.getElementsByTagNameNS('*', 'Transform')).map((transform) => transform.getAttribute('Algorithm'));
  if (transforms.length !== 2 || transforms[0] !== ENVELOPED_SIGNATURE || transforms[1] !== EXCLUSIVE_C14N) {
    throw invalid('The Reference must be transformed by the enveloped-signature transform and exclusive canonicalization (without comments), nothing else.');
  }
  for (const certificate of certificates) {
    const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
    verifier.loadSignature(signature);
    let verified = false;
    try {
      verified = verifier.checkSignature(xml);
    } catch {
      // A digest or signature that does not match this certificate; the next may match.
      verified = false;
    }
    const signedReferences = verified ? verifier.getSignedReferences() : [];
    if (signedReferences.length === 1) return signedReferences[0]!;
  }
  throw invalid("The SAML response's signature does not verify with the SAML provider's signing certificates (or what it signs was changed).");
}

function parseSigned(canonicalXml: string): Element {
  const element = parseXml(canonicalXml).documentElement;
  if (!element) throw invalid('The signed part of the SAML response is empty.');
  return element;
}

function readAssertion(assertion: Element, response: Element, provider: SamlIdentityProvider, endpoints: SamlEndpoints, now: Date): VerifiedSamlAssertion {
  if (assertion.getAttribute('Version') !== '2.0') throw invalid('The Assertion must be SAML version 2.0.');
  const assertionId = assertion.getAttribute('ID') ?? '';
  const issuer = textOf(onlyChild(assertion, NS.assertion, 'Issuer', 'Assertion'), 'Issuer');
  if (issuer !== provider.entityId) throw invalid("The Assertion's Issuer is not the SAML provider's entity ID (from its metadata).");
  const responseIssuer = optionalChild(response, NS.assertion, 'Issuer', 'Response');
  if (responseIssuer && textOf(responseIssuer, 'Issuer') !== provider.entityId) throw invalid("The Response's Issuer is not the SAML provider's entity ID (from its metadata).");
  const destination = response.getAttribute('Destination');
  if (destination && !endpoints.recipients.includes(destination)) throw invalid("The Response's Destination is not a SAML endpoint of this service.");

  const nowMs = now.getTime();
  const skewMs = TOKEN_CLOCK_SKEW_SECONDS * 1000;
  const notBefore = (value: Date | undefined, what: string) => {
    if (value && value.getTime() > nowMs + skewMs) throw invalid(`The SAML assertion is not valid yet (its ${what} NotBefore is past the allowed clock skew).`);
  };
  const notOnOrAfter = (value: Date, what: string) => {
    if (nowMs - skewMs >= value.getTime()) throw new ExpiredTokenError(`The SAML assertion has expired (its ${what} NotOnOrAfter has passed): sign in at the identity provider again.`);
  };

  // SAML core: IssueInstant is required; one in the future (past the skew) was not issued by a sane clock.
  if (requiredTime(assertion, 'IssueInstant', 'Assertion').getTime() > nowMs + skewMs) throw invalid('The SAML assertion was issued in the future (its IssueInstant is past the allowed clock skew).');

  const subject = onlyChild(assertion, NS.assertion, 'Subject', 'Assertion');
  const nameId = onlyChild(subject, NS.assertion, 'NameID', 'Subject');
  const subjectValue = textOf(nameId, 'NameID');
  if (subjectValue === '') throw invalid('The NameID is empty.');
  const format = nameId.getAttribute('Format') || UNSPECIFIED_FORMAT;
  const confirmation = onlyChild(subject, NS.assertion, 'SubjectConfirmation', 'Subject');
  if (confirmation.getAttribute('Method') !== BEARER) throw invalid('The SubjectConfirmation must use the bearer method.');
  const confirmationData = onlyChild(confirmation, NS.assertion, 'SubjectConfirmationData', 'SubjectConfirmation');
  const recipient = confirmationData.getAttribute('Recipient') ?? '';
  if (!endpoints.recipients.includes(recipient)) throw invalid("The SubjectConfirmationData's Recipient is not a SAML endpoint of this service.");
  const confirmationEnd = requiredTime(confirmationData, 'NotOnOrAfter', 'SubjectConfirmationData');
  notBefore(optionalTime(confirmationData, 'NotBefore', 'SubjectConfirmationData'), 'SubjectConfirmationData');
  notOnOrAfter(confirmationEnd, 'SubjectConfirmationData');

  const conditions = onlyChild(assertion, NS.assertion, 'Conditions', 'Assertion');
  notBefore(optionalTime(conditions, 'NotBefore', 'Conditions'), 'Conditions');
  const conditionsEnd = optionalTime(conditions, 'NotOnOrAfter', 'Conditions');
  if (conditionsEnd) notOnOrAfter(conditionsEnd, 'Conditions');
  const restrictions = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) throw invalid('The Conditions must restrict the audience (AudienceRestriction).');
  let audience: string | undefined;
  // SAML core: every AudienceRestriction must be met, each by one of its audiences.
  for (const restriction of restrictions) {
    const accepted = childElements(restriction, NS.assertion, 'Audience')
      .map((element) => textOf(element, 'Audience'))
      .find((value) => endpoints.audiences.includes(value));
    if (accepted === undefined) throw invalid("Incorrect SAML audience: the assertion's AudienceRestriction names none of this service's SAML audiences.");
    audience ??= accepted;
  }

  const sessionNotOnOrAfter = sessionEnd(assertion);
  if (sessionNotOnOrAfter && sessionNotOnOrAfter.getTime() <= nowMs)
    throw new ExpiredTokenError("The SAML assertion's session has ended (its AuthnStatement SessionNotOnOrAfter has passed): sign in at the identity provider again.");

  const attributes = readAttributes(assertion);
  const single = (name: string, label: string): string | undefined => {
    const values = attributes.get(name);
    if (values === undefined) return undefined;
    if (values.length !== 1) throw invalid(`The ${label} attribute must have exactly one value.`);
    return values[0];
  };
  const roleSessionName = single(ATTRIBUTE.roleSessionName, 'RoleSessionName');
  if (roleSessionName === undefined) throw invalid(`The assertion has no ${ATTRIBUTE.roleSessionName} attribute; AWS requires it.`);
  const nameProblem = checkRoleSessionName(roleSessionName);
  if (nameProblem) throw invalid(`The RoleSessionName attribute is not valid: ${nameProblem}`);
  const durationText = single(ATTRIBUTE.sessionDuration, 'SessionDuration');
  const sessionDuration = durationText === undefined ? undefined : Number(durationText);
  if (sessionDuration !== undefined && (!/^\d+$/.test(durationText!) || sessionDuration < DURATION.min || sessionDuration > DURATION.max)) {
    throw invalid(`The SessionDuration attribute must be a whole number of seconds from ${DURATION.min} to ${DURATION.max}.`);
  }
  const tags: Tag[] = [];
  for (const [name, values] of attributes) {
    if (!name.startsWith(ATTRIBUTE.principalTagPrefix)) continue;
    const key = name.slice(ATTRIBUTE.principalTagPrefix.length);
    if (values.length !== 1) throw invalid(`The PrincipalTag:${key.slice(0, 128)} attribute must have exactly one value.`);
    tags.push({ key, value: values[0]! });
  }
  const tagProblem = checkTags(tags);
  if (tagProblem) throw invalid(`The assertion's session tags are not valid: ${tagProblem}`);
  const transitiveTagKeys = attributes.get(ATTRIBUTE.transitiveTagKeys) ?? [];
  for (const key of transitiveTagKeys) {
    if (!tags.some((tag) => tag.key.toLowerCase() === key.toLowerCase())) throw invalid(`The transitive tag key ${JSON.stringify(key.slice(0, 128))} is not a PrincipalTag of the assertion.`);
  }
  const contextAttributes: Record<string, string[]> = {};
  for (const [name, values] of attributes) {
    const key = CONTEXT_KEY_OF_ATTRIBUTE[name];
    if (key) contextAttributes[key] = values;
  }

  return {
    issuer,
    assertionId,
    assertionHash: createHash('sha256').update(`${issuer}\n${assertionId}`).digest('hex'),
    subject: subjectValue,
    subjectType: format.startsWith(NAME_ID_FORMAT_PREFIX) ? format.slice(NAME_ID_FORMAT_PREFIX.length) : format,
    audience: audience!,
    recipient,
    roles: rolePairs(attributes.get(ATTRIBUTE.role)),
    roleSessionName,
    sessionDuration,
    sessionNotOnOrAfter,
    tags,
    transitiveTagKeys,
    sourceIdentity: single(ATTRIBUTE.sourceIdentity, 'SourceIdentity'),
    contextAttributes,
    notOnOrAfter: conditionsEnd && conditionsEnd.getTime() < confirmationEnd.getTime() ? conditionsEnd : confirmationEnd,
  };
}

/** Every Attribute of every AttributeStatement, by Name; a name given twice has all its values. */
function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    if (childElements(statement, NS.assertion, 'EncryptedAttribute').length > 0) throw invalid('Encrypted SAML attributes are not supported.');
    for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      const values = childElements(attribute, NS.assertion, 'AttributeValue').map((value) => textOf(value, 'AttributeValue'));
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return attributes;
}

/** AWS's Role attribute: `roleArn,providerArn` pairs, in either order. */
function rolePairs(values: readonly string[] | undefined): SamlRolePair[] {
  if (!values || values.length === 0) throw invalid(`The assertion has no ${ATTRIBUTE.role} attribute; it must name the role and the SAML provider.`);
  return values.map((value) => {
    const parts = value.split(',').map((part) => part.trim());
    const kinds = parts.map((part) => {
      const arn = parseArn(part);
      return arn?.service === 'iam' ? (arn.resource.startsWith('role/') ? 'role' : arn.resource.startsWith('saml-provider/') ? 'provider' : undefined) : undefined;
    });
    const roleArn = parts[kinds.indexOf('role')];
    const providerArn = parts[kinds.indexOf('provider')];
    if (parts.length !== 2 || roleArn === undefined || providerArn === undefined) {
      throw invalid('Each value of the Role attribute must be a role ARN and a SAML provider ARN separated by a comma.');
    }
    return { roleArn, providerArn };
  });
}

function sessionEnd(assertion: Element): Date | undefined {
  const ends = childElements(assertion, NS.assertion, 'AuthnStatement')
    .map((statement) => optionalTime(statement, 'SessionNotOnOrAfter', 'AuthnStatement'))
    .filter((end): end is Date => end !== undefined);
  return ends.length === 0 ? undefined : new Date(Math.min(...ends.map((end) => end.getTime())));
}

/**
 * An element's value: its text, which must be all it holds. Read from the canonical form, where
 * comments are gone, so `a<!---->b` is `ab` as it was signed; an element inside is refused.
 */
function textOf(element: Element, what: string): string {
  let text = '';
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType !== child.TEXT_NODE && child.nodeType !== child.CDATA_SECTION_NODE) throw invalid(`The ${what} must hold text only.`);
    text += (child as CharacterData).data;
  }
  return text.trim();
}

/** xs:dateTime; SAML core 1.3.3 has its times in UTC, so one without a zone is read as UTC (JavaScript would read it as local time). */
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function optionalTime(element: Element, attribute: string, where: string): Date | undefined {
  const value = element.getAttribute(attribute);
  if (value === null || value === '') return undefined;
  const zoned = TIME.exec(value);
  const time = zoned ? new Date(zoned[2] === undefined ? `${value}Z` : value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw invalid(`The ${where}'s ${attribute} is not an xs:dateTime.`);
  return time;
}

function requiredTime(element: Element, attribute: string, where: string): Date {
  const time = optionalTime(element, attribute, where);
  if (!time) throw invalid(`The ${where} must have a ${attribute} time.`);
  return time;
}

function isElement(node: Node, namespace: string, localName: string): node is Element {
  return node.nodeType === node.ELEMENT_NODE && (node as Element).namespaceURI === namespace && (node as Element).localName === localName;
}

function elementChildren(parent: Element): Element[] {
  const children: Element[] = [];
  for (let child = parent.firstChild; child; child = child.nextSibling) if (child.nodeType === child.ELEMENT_NODE) children.push(child as Element);
  return children;
}

function childElements(parent: Element, namespace: string, localName: string): Element[] {
  return elementChildren(parent).filter((child) => isElement(child, namespace, localName));
}

function optionalChild(parent: Element, namespace: string, localName: string, where: string): Element | undefined {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1) throw invalid(`The ${where} must hold at most one ${localName}.`);
  return found[0];
}

function onlyChild(parent: Element, namespace: string, localName: string, where: string): Element {
  const found = childElements(parent, namespace, localName);
  if (found.length !== 1) throw invalid(`The ${where} must hold exactly one ${localName}.`);
  return found[0]!;
}

function invalid(message: string): InvalidIdentityTokenError {
  return new InvalidIdentityTokenError(message);
}
