import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * TEST-ONLY: what a SAML identity provider publishes about itself. A signing key and a self-signed
 * certificate made by the openssl CLI (as a real IdP's are: SAML metadata pins the certificate
 * itself, no CA is involved), and the IdP metadata document that carries the certificate, as Okta,
 * Entra ID or Keycloak export it. Signed responses are built from these by the tests' IdP.
 */
export interface SamlSigningIdentity {
  /** PKCS#8 PEM of the RSA signing key. */
  readonly privateKeyPem: string;
  /** The certificate as PEM. */
  readonly certificatePem: string;
  /** The certificate's DER in base64 without line breaks: what `<ds:X509Certificate>` holds. */
  readonly certificateBase64: string;
}

/** A fresh 2048-bit RSA key and a self-signed certificate for it, valid `days` days from now. */
export function makeSamlSigningIdentity(commonName = 'Warden test SAML IdP', days = 30): SamlSigningIdentity {
  const directory = mkdtempSync(join(tmpdir(), 'warden-saml-'));
  try {
    const at = (name: string) => join(directory, name);
    const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', at('idp.key'));
    openssl('req', '-x509', '-key', at('idp.key'), '-out', at('idp.pem'), '-days', String(days), '-subj', `/CN=${commonName}`);
    const certificatePem = readFileSync(at('idp.pem'), 'utf8');
    return { privateKeyPem: readFileSync(at('idp.key'), 'utf8'), certificatePem, certificateBase64: pemBody(certificatePem) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
}

const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface IdpMetadataOptions {
  readonly entityId: string;
  /** Signing certificates (base64 DER), in order; a rotation publishes two. */
  readonly signingCertificates: readonly string[];
  readonly ssoUrl?: string;
  /** ISO time for the EntityDescriptor's validUntil. */
  readonly validUntil?: string;
}

/** SAML 2.0 IdP metadata (saml-metadata-2.0-os): one EntityDescriptor with an IDPSSODescriptor. */
export function samlIdpMetadata(options: IdpMetadataOptions): string {
  const keys = options.signingCertificates
    .map((certificate) => `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`)
    .join('');
  const sso = xmlText(options.ssoUrl ?? 'https://idp.example.test/sso/saml');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${xmlText(options.entityId)}"${options.validUntil ? ` validUntil="${xmlText(options.validUntil)}"` : ''}>` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    keys +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sso}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}
