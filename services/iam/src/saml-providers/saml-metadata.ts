import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { InvalidInputError } from '../kernel/iam-error.js';

/**
 * What Warden reads from a SAML 2.0 identity provider's metadata document (OASIS
 * saml-metadata-2.0-os): the EntityDescriptor's entityID (the Issuer of the IdP's assertions), the
 * certificates its IDPSSODescriptor publishes for signing, and the EntityDescriptor's validUntil.
 */
export interface SamlIdpMetadata {
  readonly entityId: string;
  /** DER in base64, in the document's order, each once. */
  readonly signingCertificates: readonly string[];
  /** ISO 8601, UTC; null when the document has no validUntil. */
  readonly validUntil: string | null;
}

const METADATA_NS = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** saml-metadata-2.0-os, entityIDType: "its length is limited to 1024 characters". */
const ENTITY_ID_MAX = 1024;
/** xs:dateTime; SAML's times are UTC, so one without a zone is read as UTC. */
const XS_DATE_TIME = /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(problem: string): InvalidInputError {
  return new InvalidInputError(`Invalid SAML metadata document: ${problem}`);
}

function childElements(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).namespaceURI === METADATA_NS && (node as Element).localName === localName) found.push(node as Element);
  }
  return found;
}

/**
 * Parses the document with xmldom, stopping at the first warning or error. A DOCTYPE is refused:
 * metadata needs none, and a document type is how entity expansion and external references come in.
 */
function parseXml(document: string): Element {
  let parsed;
  try {
    const stop = (level: string) => (message: string) => {
      throw new Error(`${level}: ${message}`);
    };
    parsed = new DOMParser({ errorHandler: { warning: stop('warning'), error: stop('error'), fatalError: stop('fatalError') } }).parseFromString(document, 'text/xml');
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unreadable';
    throw invalid(`it is not well-formed XML (${reason}).`);
  }
  if (parsed.doctype !== null) throw invalid('it must not have a DOCTYPE (document type declarations and entities are refused).');
  const root = parsed.documentElement;
  if (root === null) throw invalid('it is not well-formed XML (it has no root element).');
  return root;
}

/** A `<ds:X509Certificate>`'s text as a certificate with an RSA or EC public key, its DER in base64. */
function signingCertificateOf(text: string, position: number): string {
  const base64 = text.replace(/\s+/g, '');
  const where = `signing certificate ${position}`;
  if (base64 === '' || base64.length % 4 !== 0 || !BASE64.test(base64)) throw invalid(`${where} is not base64.`);
  const der = Buffer.from(base64, 'base64');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    throw invalid(`${where} does not parse as an X.509 certificate.`);
  }
  if (!certificate.raw.equals(der)) throw invalid(`${where} has bytes after its X.509 certificate.`);
  const keyType = certificate.publicKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') throw invalid(`${where} holds a ${keyType ?? 'unknown'} public key; an RSA or EC key is needed to verify XML signatures.`);
  return certificate.raw.toString('base64');
}

function validUntilOf(root: Element): string | null {
  if (!root.hasAttribute('validUntil')) return null;
  const text = root.getAttribute('validUntil')!.trim();
  const time = XS_DATE_TIME.test(text) ? Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`) : Number.NaN;
  if (Number.isNaN(time)) throw invalid(`the EntityDescriptor's validUntil ${JSON.stringify(text.slice(0, 64))} is not an xs:dateTime.`);
  return new Date(time).toISOString();
}

/**
 * The IdP's entity id, signing certificates and validUntil, or an InvalidInput error naming what
 * is wrong: not XML, a DOCTYPE, no EntityDescriptor, no entityID, no IDPSSODescriptor, no signing
 * certificate, a certificate that does not parse. A KeyDescriptor is for signing when its `use` is
 * "signing" or absent (saml-metadata-2.0-os 2.4.1.1: without `use`, the key serves both purposes).
 */
export function readSamlMetadata(document: string): SamlIdpMetadata {
  const root = parseXml(document);
  if (root.namespaceURI !== METADATA_NS || root.localName !== 'EntityDescriptor') {
    throw invalid(`its root element must be an EntityDescriptor of ${METADATA_NS}; it is ${root.namespaceURI ? `{${root.namespaceURI}}` : ''}${root.localName ?? root.nodeName}.`);
  }
  const entityId = root.getAttribute('entityID') ?? '';
  if (entityId.length === 0 || entityId.length > ENTITY_ID_MAX) throw invalid(`the EntityDescriptor's entityID must be 1 to ${ENTITY_ID_MAX} characters long.`);
  const validUntil = validUntilOf(root);
  const idpDescriptors = childElements(root, 'IDPSSODescriptor');
  if (idpDescriptors.length === 0) throw invalid('the EntityDescriptor has no IDPSSODescriptor (the document must describe an identity provider).');
  const texts = idpDescriptors
    .flatMap((descriptor) => childElements(descriptor, 'KeyDescriptor'))
    .filter((key) => !key.hasAttribute('use') || key.getAttribute('use') === 'signing')
    .flatMap((key) => Array.from(key.getElementsByTagNameNS(DSIG_NS, 'X509Certificate')))
    .map((element) => element.textContent ?? '');
  if (texts.length === 0) throw invalid('the IDPSSODescriptor has no signing certificate (a KeyDescriptor, use="signing" or without use, holding a ds:X509Certificate).');
  const signingCertificates = [...new Set(texts.map((text, index) => signingCertificateOf(text, index + 1)))];
  return { entityId, signingCertificates, validUntil };
}
