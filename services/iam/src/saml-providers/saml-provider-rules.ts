import { characterCount, checkCharacters, type CheckResult } from '../naming/rules.js';

/**
 * AWS's rules for an IAM SAML provider (IAM API Reference, CreateSAMLProvider and
 * UpdateSAMLProvider; the service model's SAMLProviderNameType and SAMLMetadataDocumentType):
 * - Name: 1 to 128 characters of `[\w._-]` (Java's `\w`: ASCII letters, digits, underscore).
 * - SAMLMetadataDocument: 1,000 to 10,000,000 characters.
 * Names are compared exactly, as the ARN that addresses a provider is.
 */
export const SAML_PROVIDER_LIMITS = Object.freeze({ nameMax: 128, documentMin: 1000, documentMax: 10_000_000 });

const NAME_CHARACTER = /^[A-Za-z0-9_.-]$/u;

export function checkSamlProviderName(name: string): CheckResult {
  if (typeof name !== 'string' || characterCount(name) < 1 || characterCount(name) > SAML_PROVIDER_LIMITS.nameMax) {
    return `Name must be 1 to ${SAML_PROVIDER_LIMITS.nameMax} characters long.`;
  }
  return checkCharacters('Name', name, NAME_CHARACTER, 'letters, digits and the characters _ . -');
}

export function checkSamlMetadataDocumentLength(document: string): CheckResult {
  if (typeof document !== 'string') return 'SAMLMetadataDocument must be a string.';
  const range = `SAMLMetadataDocument must be ${SAML_PROVIDER_LIMITS.documentMin} to ${SAML_PROVIDER_LIMITS.documentMax} characters long`;
  // Two UTF-16 code units at most per character: a longer string is too long without counting.
  if (document.length > 2 * SAML_PROVIDER_LIMITS.documentMax) return `${range}; it is longer.`;
  const length = characterCount(document);
  if (length < SAML_PROVIDER_LIMITS.documentMin || length > SAML_PROVIDER_LIMITS.documentMax) return `${range}; it is ${length}.`;
  return undefined;
}

/** AWS's EntityAlreadyExists for a name the account's providers already have. */
export function samlProviderNameTaken(name: string): string {
  return `SAML provider with name ${name} already exists.`;
}
