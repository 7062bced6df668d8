import { type Caller, type CredentialResolver, type CredentialStanding, credentialStanding, type CurrentCredential, equalInConstantTime, parseConsoleToken, tokenHash } from '@warden/iam';
import { GraphQLError } from 'graphql';
import { requestedRegion } from './requested-region.js';
import { INACTIVE_ACCESS_KEY_MESSAGE, UNKNOWN_ACCESS_KEY_MESSAGE } from './sigv4/sigv4-failure.js';
import { type SignedRequest, SigV4Error, type SigningScope, type VerifiedRequest, verifySigV4 } from './sigv4/index.js';

/**
 * Every API request is signed with SigV4 (service `warden`): the signature is checked against the
 * stored key's secret, which never crosses the wire. A failure is an UNAUTHENTICATED error whose
 * reason helps a client author and leaks nothing (an unknown key and a key of another tenant look
 * the same).
 */
export interface AuthenticationSettings {
  readonly credentials: CredentialResolver;
  readonly region: string;
}

export interface RequestFacts {
  readonly requestId: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  readonly secureTransport: boolean;
  readonly now: Date;
}

export class AuthenticationError extends GraphQLError {
  constructor(message: string, reason: string) {
    super(message, { extensions: { code: 'UNAUTHENTICATED', reason } });
  }
}

export async function authenticate(request: SignedRequest, facts: RequestFacts, settings: AuthenticationSettings): Promise<Caller> {
  return (await authenticateSigned(request, facts, settings, undefined)).caller;
}

/** The caller of a signed request, and the signing name (service) it signed for. */
export interface SignedCaller {
  readonly caller: Caller;
  readonly service: string;
}

/**
 * A SigV4-signed request, for the signing names in `scopes` (AWS's Query front: `iam`, `sts`), or
 * for `warden` in the configured region when `scopes` is undefined (GraphQL). Everything after the
 * signature (session token, revocation, expiry) is the same for every signing name.
 */
export async function authenticateSigned(request: SignedRequest, facts: RequestFacts, settings: AuthenticationSettings, scopes: readonly SigningScope[] | undefined): Promise<SignedCaller> {
  let verified: VerifiedRequest<CurrentCredential>;
  try {
    verified = await verifySigV4(request, {
      service: 'warden',
      region: settings.region,
      ...(scopes ? { scopes } : {}),
      now: facts.now,
      // The resolved credential has the key material's shape, and what follows the signature needs the rest of it.
      lookupKey: (accessKeyId) => settings.credentials.resolve(accessKeyId),
    });
  } catch (error) {
    if (error instanceof SigV4Error) throw new AuthenticationError(error.message, error.reason);
    throw error;
  }
  const credential = verified.key;
  // Temporary credentials must come with their session token (X-Amz-Security-Token), and only they.
  if (credential.sessionTokenHash !== undefined) {
    const presented = verified.securityToken;
    if (presented === undefined || !equalInConstantTime(tokenHash(presented), credential.sessionTokenHash)) {
      throw new AuthenticationError('The security token included in the request is invalid.', 'INVALID_SECURITY_TOKEN');
    }
  } else if (verified.securityToken !== undefined) {
    throw new AuthenticationError('The security token included in the request is invalid: long-term access keys take no session token.', 'INVALID_SECURITY_TOKEN');
  }
  // Only a caller who holds the secret (and, for a session, its token) learns whether it is in force.
  const standing = credentialStanding(credential, facts.now);
  if (standing !== 'IN_FORCE') throw notInForce(standing);
  return { caller: callerFrom(credential, facts, requestedRegion(verified.service, verified.region, settings.region)), service: verified.service };
}

/**
 * A console session's bearer token (`Authorization: Bearer TOKEN`, or the sign-in page's cookie):
 * it stands for the session's temporary credentials, so only console sessions accept it, and the
 * same checks apply (the token's hash, expiry, revocation).
 */
export async function authenticateBearer(token: string, facts: RequestFacts, settings: AuthenticationSettings): Promise<Caller> {
  const parts = parseConsoleToken(token.trim());
  const invalid = () => new AuthenticationError('The bearer token is not valid: sign in again.', 'INVALID_BEARER_TOKEN');
  if (!parts) throw invalid();
  const credential = await settings.credentials.resolve(parts.accessKeyId);
  const session = credential?.caller.session;
  if (!credential || !session || session.kind !== 'console' || credential.sessionTokenHash === undefined || !equalInConstantTime(tokenHash(parts.sessionToken), credential.sessionTokenHash))
    throw invalid();
  const standing = credentialStanding(credential, facts.now);
  if (standing === 'EXPIRED') throw new AuthenticationError('The console session has expired: sign in again.', 'EXPIRED_TOKEN');
  if (standing !== 'IN_FORCE') throw invalid();
  return callerFrom(credential, facts, requestedRegion('warden', settings.region, settings.region));
}

/** Why a verified request's credential is refused, as AWS words it (`credentialStanding` decides). */
function notInForce(standing: Exclude<CredentialStanding, 'IN_FORCE'>): AuthenticationError {
  switch (standing) {
    case 'UNKNOWN':
      return new AuthenticationError(UNKNOWN_ACCESS_KEY_MESSAGE, 'UNKNOWN_ACCESS_KEY');
    case 'INACTIVE':
      return new AuthenticationError(INACTIVE_ACCESS_KEY_MESSAGE, 'INACTIVE_ACCESS_KEY');
    case 'REVOKED':
      return new AuthenticationError('The security token included in the request has been revoked: its role revoked every session issued before the revocation.', 'SESSION_REVOKED');
    case 'EXPIRED':
      return new AuthenticationError('The security token included in the request is expired.', 'EXPIRED_TOKEN');
  }
}

/**
 * The caller as resolvers see it. Built by assignment rather than by spreading optional parts:
 * this runs on every request, and each spread of a conditional object literal allocates one.
 */
function callerFrom(credential: CurrentCredential, facts: RequestFacts, region: string): Caller {
  const session = credential.caller.session;
  const context = requestContext(facts, region);
  // AWS: for temporary credentials, MultiFactorAuthPresent says whether MFA was used, and
  // MultiFactorAuthAge (seconds since) is present only when it was. Long-term keys carry neither.
  if (session) {
    context['aws:TokenIssueTime'] = session.issuedAt.toISOString();
    context['aws:MultiFactorAuthPresent'] = session.mfaAuthenticated ? 'true' : 'false';
    if (session.mfaAuthenticated && session.mfaAuthenticatedAt) {
      context['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((facts.now.getTime() - session.mfaAuthenticatedAt.getTime()) / 1000)));
    }
    if (session.sourceIdentity) context['aws:SourceIdentity'] = session.sourceIdentity;
  }
  const caller: { -readonly [K in keyof Caller]: Caller[K] } = Object.assign({ requestContext: context }, credential.caller);
  caller.accountEpoch = credential.accountEpoch;
  caller.requestId = facts.requestId;
  if (facts.sourceIp) caller.sourceIp = facts.sourceIp;
  if (facts.userAgent) caller.userAgent = facts.userAgent;
  return caller;
}

/** The condition keys a request brings by itself; the principal's own keys are added by the authorizer. */
export function requestContext(facts: RequestFacts, region: string): Record<string, string> {
  const time = timeKeys(facts.now);
  const context: Record<string, string> = {
    'aws:CurrentTime': time.currentTime,
    'aws:EpochTime': time.epochTime,
    'aws:SecureTransport': facts.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': region,
  };
  if (facts.sourceIp) context['aws:SourceIp'] = facts.sourceIp;
  if (facts.userAgent) context['aws:UserAgent'] = facts.userAgent;
  return context;
}

/** aws:CurrentTime and aws:EpochTime of the last millisecond asked for: many requests share one. */
let lastTime = { ms: Number.NaN, currentTime: '', epochTime: '' };

function timeKeys(now: Date): { readonly currentTime: string; readonly epochTime: string } {
  const ms = now.getTime();
  if (ms !== lastTime.ms) lastTime = { ms, currentTime: now.toISOString(), epochTime: String(Math.floor(ms / 1000)) };
  return lastTime;
}
