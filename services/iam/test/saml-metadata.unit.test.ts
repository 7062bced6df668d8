import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/index.js';
import { readSamlMetadata } from '../src/saml-providers/saml-metadata.js';
import { makeSamlSigningIdentity, pemBody, samlIdpMetadata } from './saml-idp-identity.js';

/**
 * The metadata document of a SAML IdP (OASIS saml-metadata-2.0-os), as CreateSAMLProvider and
 * UpdateSAMLProvider take it: AWS reads "the issuer's name, expiration information, and keys that can
 * be used to validate the SAML authentication response" from it (IAM API Reference,
 * CreateSAMLProvider). Each way a document can fail to give those is an InvalidInput naming it.
 */
const identity = makeSamlSigningIdentity();
const rotated = makeSamlSigningIdentity('Warden test SAML IdP, next key');
const ENTITY = 'https://idp.example.test/metadata';

/** A self-signed certificate of a key of another algorithm than the fixture's RSA, its key thrown away (openssl, as the fixture). */
function certificateOfNewKey(algorithm: string, ...options: string[]): string {
  return execFileSync('openssl', ['req', '-x509', '-newkey', algorithm, ...options, '-keyout', '/dev/null', '-nodes', '-subj', '/CN=other-key-idp', '-days', '1'], { stdio: 'pipe' }).toString();
}

function refused(document: string, why: RegExp): void {
  let error: unknown;
  try {
    readSamlMetadata(document);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as Error).message).toMatch(/^Invalid SAML metadata document: /);
  expect((error as Error).message).toMatch(why);
}

describe('SAML IdP metadata', () => {
  it('gives the entityID, the signing certificates in order (a rotation publishes two) and validUntil in UTC', () => {
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, rotated.certificateBase64], validUntil: '2031-06-01T12:00:00+02:00' });
    expect(readSamlMetadata(document)).toEqual({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, rotated.certificateBase64], validUntil: '2031-06-01T10:00:00.000Z' });
    expect(readSamlMetadata(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] })).validUntil).toBeNull();
  });

  it('takes keys with use="signing" or no use, not encryption keys, each certificate once, its base64 wrapped or not', () => {
    const wrapped = identity.certificateBase64.replace(/(.{64})/g, '$1\n      ');
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [wrapped, identity.certificateBase64] }).replace(
      '<md:KeyDescriptor use="signing">',
      `<md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${rotated.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor>`,
    );
    expect(readSamlMetadata(document).signingCertificates).toEqual([identity.certificateBase64]);
  });

  it('accepts an EC signing key', () => {
    const pem = certificateOfNewKey('ec', '-pkeyopt', 'ec_paramgen_curve:P-256');
    expect(readSamlMetadata(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [pemBody(pem)] })).signingCertificates).toEqual([pemBody(pem)]);
  });

  it('refuses what is not XML', () => {
    refused('not xml at all '.repeat(80), /not well-formed XML/);
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] }).replace('</md:EntityDescriptor>', ''), /not well-formed XML/);
  });

  it('refuses a DOCTYPE, and with it any entity declaration', () => {
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] });
    const withEntity = document.replace('<md:EntityDescriptor', '<!DOCTYPE md:EntityDescriptor [<!ENTITY lol "lol">]><md:EntityDescriptor').replace('>https://idp', '>&lol;https://idp');
    refused(withEntity, /DOCTYPE|not well-formed/);
    refused(document.replace('<md:EntityDescriptor', '<!DOCTYPE md:EntityDescriptor><md:EntityDescriptor'), /must not have a DOCTYPE/);
  });

  it('refuses a document without an EntityDescriptor, or whose EntityDescriptor has no entityID', () => {
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] });
    refused(document.replaceAll('md:EntityDescriptor', 'md:EntitiesDescriptor'), /root element must be an EntityDescriptor/);
    // The right name in no namespace, or in another one, is not SAML metadata either.
    refused(document.replace('xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"', 'xmlns:md="urn:example:other"'), /root element must be an EntityDescriptor/);
    refused(document.replace(`entityID="${ENTITY}"`, 'entityID=""'), /entityID must be 1 to 1024/);
    refused(document.replace(`entityID="${ENTITY}"`, ''), /entityID must be 1 to 1024/);
  });

  it('refuses an EntityDescriptor without an IDPSSODescriptor (a service provider, say)', () => {
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] }).replaceAll('md:IDPSSODescriptor', 'md:SPSSODescriptor');
    refused(document, /no IDPSSODescriptor/);
  });

  it('refuses an IdP without a signing certificate', () => {
    const document = samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64] });
    refused(document.replace('use="signing"', 'use="encryption"'), /no signing certificate/);
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [] }).padEnd(1200, ' '), /no signing certificate/);
  });

  it('refuses a certificate that does not parse, or holds neither an RSA nor an EC key', () => {
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: ['not*base64'] }), /signing certificate 1 is not base64/);
    refused(
      samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64, Buffer.from('x'.repeat(300)).toString('base64')] }),
      /signing certificate 2 does not parse as an X\.509 certificate/,
    );
    const truncated = Buffer.from(identity.certificateBase64, 'base64').subarray(0, 200).toString('base64');
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [truncated] }), /does not parse as an X\.509 certificate/);
    const pem = certificateOfNewKey('ed25519');
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [pemBody(pem)] }), /ed25519 public key; an RSA or EC key is needed/);
  });

  it('refuses a validUntil that is not an xs:dateTime', () => {
    refused(samlIdpMetadata({ entityId: ENTITY, signingCertificates: [identity.certificateBase64], validUntil: 'next year' }), /validUntil "next year" is not an xs:dateTime/);
  });
});
