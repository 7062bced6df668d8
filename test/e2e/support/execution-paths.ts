import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './signed-client.js';

/**
 * The three ways an operation can go through the server, each as the body and content type that
 * take it: the compiled-operation path (a plain signed JSON POST), yoga behind the HTTP layer's
 * fast path (a JSON POST with extensions, which the compiled path leaves to yoga) and yoga.fetch
 * (a content type the fast path does not take). Suites that must hold on every path send each
 * case along all three.
 */
export const EXECUTION_PATHS = {
  'compiled operations': (query: string, variables: Record<string, unknown>) => ({ body: JSON.stringify({ query, variables }), contentType: 'application/json' }),
  'yoga behind the fast path': (query: string, variables: Record<string, unknown>) => ({ body: JSON.stringify({ query, variables, extensions: { path: 'yoga' } }), contentType: 'application/json' }),
  'yoga.fetch': (query: string, variables: Record<string, unknown>) => ({ body: JSON.stringify({ query, variables }), contentType: 'application/graphql+json' }),
} as const;

export type ExecutionPath = keyof typeof EXECUTION_PATHS;
export const EXECUTION_PATH_NAMES = Object.keys(EXECUTION_PATHS) as ExecutionPath[];

export interface SignedPost {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A POST signed with an Authorization header, as the SDK signs it, with any body and content type. */
export async function signPost(url: string, credentials: Credentials, body: string, contentType: string, extraHeaders: Record<string, string> = {}): Promise<SignedPost> {
  const target = new URL(url);
  const signer = new SignatureV4({ service: 'warden', region: 'us-east-1', credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: {},
    headers: { host: target.host, 'content-type': contentType },
    body,
  });
  return { url, headers: { ...(signed.headers as Record<string, string>), ...extraHeaders }, body };
}

/** The operation signed for one path. */
export function signAlong(
  path: ExecutionPath,
  url: string,
  credentials: Credentials,
  query: string,
  variables: Record<string, unknown> = {},
  extraHeaders: Record<string, string> = {},
): Promise<SignedPost> {
  const { body, contentType } = EXECUTION_PATHS[path](query, variables);
  return signPost(url, credentials, body, contentType, extraHeaders);
}
