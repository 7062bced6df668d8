import { characterCount, type CheckResult } from '../naming/rules.js';

/**
 * AWS's rules for an IAM OpenID Connect provider (IAM API Reference, CreateOpenIDConnectProvider,
 * AddClientIDToOpenIDConnectProvider, UpdateOpenIDConnectProviderThumbprint; IAM User Guide, "IAM
 * and AWS STS quotas"):
 * - Url: 1 to 255 characters, beginning with https://; it should be the `iss` of the provider's
 *   tokens; path components are allowed, query parameters are not. AWS says it should not hold a
 *   port; Warden accepts one (an issuer on a non-standard port is still an issuer), but nothing else
 *   after the host and path.
 * - Client ids (audiences): no defined format, 1 to 255 characters, at most 100 per provider.
 * - Thumbprints: the hex SHA-1 of a certificate, always 40 characters, at most 5.
 */
export const OIDC_PROVIDER_LIMITS = Object.freeze({ urlMax: 255, clientIdMax: 255, clientIdsPerProvider: 100, thumbprintsPerProvider: 5 });

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** The issuer without `https://` (host, optional port, optional path), or why the URL is not one. */
export function providerUrlOf(url: string): { url: string } | { problem: string } {
  if (typeof url !== 'string' || characterCount(url) < 1 || characterCount(url) > OIDC_PROVIDER_LIMITS.urlMax) {
    return { problem: `Url must be 1 to ${OIDC_PROVIDER_LIMITS.urlMax} characters long.` };
  }
  if (!url.startsWith('https://')) return { problem: 'Url must begin with https:// (the issuer of the tokens, as their iss claim names it).' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'Url is not a URL.' };
  }
  if (parsed.search !== '' || url.includes('?')) return { problem: 'Url must not have query parameters (OpenID Connect allows path components only).' };
  if (parsed.hash !== '' || url.includes('#')) return { problem: 'Url must not have a fragment.' };
  if (parsed.username !== '' || parsed.password !== '' || url.slice('https://'.length).split('/')[0]!.includes('@')) return { problem: 'Url must not carry a user name or password.' };
  if (parsed.hostname === '') return { problem: 'Url must name a host.' };
  const rest = url.slice('https://'.length);
  if (/[\s\\]/u.test(rest)) return { problem: 'Url must not contain spaces or backslashes.' };
  return { url: rest };
}

export function checkClientId(clientId: string): CheckResult {
  if (typeof clientId !== 'string' || characterCount(clientId) < 1 || characterCount(clientId) > OIDC_PROVIDER_LIMITS.clientIdMax) {
    return `A client ID must be 1 to ${OIDC_PROVIDER_LIMITS.clientIdMax} characters long.`;
  }
  return undefined;
}

export function checkClientIds(clientIds: readonly string[]): CheckResult {
  if (clientIds.length > OIDC_PROVIDER_LIMITS.clientIdsPerProvider) return `An OpenID Connect provider can have at most ${OIDC_PROVIDER_LIMITS.clientIdsPerProvider} client IDs.`;
  for (const clientId of clientIds) {
    const problem = checkClientId(clientId);
    if (problem) return problem;
  }
  return undefined;
}

export function checkThumbprints(thumbprints: readonly string[]): CheckResult {
  if (thumbprints.length > OIDC_PROVIDER_LIMITS.thumbprintsPerProvider) return `An OpenID Connect provider can have at most ${OIDC_PROVIDER_LIMITS.thumbprintsPerProvider} thumbprints.`;
  for (const [index, thumbprint] of thumbprints.entries()) {
    if (typeof thumbprint !== 'string' || !THUMBPRINT.test(thumbprint)) {
      return `ThumbprintList[${index}] must be the hex-encoded SHA-1 of a certificate: 40 characters 0-9 and A-F.`;
    }
  }
  return undefined;
}

/** The list without repeats, first occurrence kept. */
export function withoutRepeats(values: readonly string[]): string[] {
  return [...new Set(values)];
}
