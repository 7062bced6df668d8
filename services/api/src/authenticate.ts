import type { Caller, CredentialResolver, CurrentCredential } from '@warden/iam';
import { GraphQLError } from 'graphql';
import { type SignedRequest, SigV4Error, verifySigV4 } from './sigv4/index.js';

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
  let resolved: CurrentCredential | undefined;
  try {
    await verifySigV4(request, {
      service: 'warden',
      region: settings.region,
      now: facts.now,
      lookupKey: async (accessKeyId) => {
        resolved = await settings.credentials.resolve(accessKeyId);
        return resolved ? { accessKeyId, secretAccessKey: resolved.secretAccessKey, active: resolved.active } : undefined;
      },
    });
  } catch (error) {
    if (error instanceof SigV4Error) throw new AuthenticationError(error.message, error.reason);
    throw error;
  }
  const credential = resolved!;
  return {
    ...credential.caller,
    accountEpoch: credential.accountEpoch,
    requestId: facts.requestId,
    ...(facts.sourceIp ? { sourceIp: facts.sourceIp } : {}),
    ...(facts.userAgent ? { userAgent: facts.userAgent } : {}),
    requestContext: requestContext(facts, settings.region),
  };
}

/** The condition keys a request brings by itself; the principal's own keys are added by the authorizer. */
export function requestContext(facts: RequestFacts, region: string): Record<string, string> {
  return {
    'aws:CurrentTime': facts.now.toISOString(),
    'aws:EpochTime': String(Math.floor(facts.now.getTime() / 1000)),
    'aws:SecureTransport': facts.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': region,
    'aws:MultiFactorAuthPresent': 'false',
    ...(facts.sourceIp ? { 'aws:SourceIp': facts.sourceIp } : {}),
    ...(facts.userAgent ? { 'aws:UserAgent': facts.userAgent } : {}),
  };
}
