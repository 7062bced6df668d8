import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './signed-client.js';

/** Percent-encoding as the SDK's HTTP handler writes query names and values on the wire. */
const wireEscape = (value: string): string => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A GET of `path` on the server at `url`, signed with @smithy/signature-v4 as the SDKs sign: in the
 * Authorization header, or presigned into the query (a URL curl can fetch).
 */
export async function signedGet(url: string, path: string, credentials: Credentials, query: Record<string, string>, how: 'header' | 'presigned' = 'header'): Promise<Response> {
  const target = new URL(path, url);
  const signer = new SignatureV4({ service: 'warden', region: 'us-east-1', credentials, sha256: Sha256 });
  const request = { method: 'GET', protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: target.pathname, query, headers: { host: target.host } };
  const signed = how === 'header' ? await signer.sign(request) : await signer.presign(request, { expiresIn: 900 });
  const wireQuery = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${wireEscape(name)}=${wireEscape(String(value))}`)
    .join('&');
  return fetch(`${target.origin}${target.pathname}${wireQuery ? `?${wireQuery}` : ''}`, { headers: signed.headers as Record<string, string> });
}
