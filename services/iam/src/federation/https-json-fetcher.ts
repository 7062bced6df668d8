import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { IdpCommunicationError } from '../kernel/iam-error.js';
import type { TLSSocket } from 'node:tls';
import { IdpAddressGuard } from './idp-address-guard.js';
import { thumbprintRefusal } from './thumbprint-trust.js';

/**
 * Fetches a JSON document from an identity provider: HTTPS only, certificates verified (Node's
 * roots, plus an extra CA when one is configured: `WARDEN_OIDC_CA_FILE`, for an issuer whose
 * certificate a private CA signed), only to public addresses unless the operator allows the host
 * (IdpAddressGuard), no redirects followed, a bounded time and a bounded size.
 *
 * Any failure is an IdpCommunicationError with one message whatever went wrong: the URL is a
 * tenant's choice, so naming the address, the status or the network error would let a tenant probe
 * what Warden can reach. Why it failed (the URL and the reason, never the body) goes to `onFailure`,
 * the operator's log.
 */
export interface JsonFetcher {
  /** `thumbprints`: the provider's, which admit a server whose chain does not verify (thumbprint-trust.ts). */
  fetchJson(url: string, maxBytes: number, thumbprints?: readonly string[]): Promise<unknown>;
}

export interface HttpsJsonFetcherOptions {
  /** A PEM file of CA certificates trusted in addition to Node's own roots. */
  readonly extraCaFile?: string | undefined;
  /** The whole exchange, connection included. */
  readonly timeoutMs?: number;
  /** Host names or IP literals fetched even though they are not public addresses (WARDEN_OIDC_ALLOWED_HOSTS). */
  readonly allowedHosts?: readonly string[];
  /** Told why a fetch failed; the caller is told only that it did. */
  readonly onFailure?: (failure: IdpFetchFailure) => void;
}

export interface IdpFetchFailure {
  readonly url: string;
  readonly reason: string;
}

/** What the caller of AssumeRoleWithWebIdentity is told, whatever the fetch's failure was. */
export const IDP_UNREACHABLE_MESSAGE =
  "Warden could not fetch the OpenID Connect provider's discovery document or keys. Retry later; if it persists, the provider must serve them over https from a public address.";

export class HttpsJsonFetcher implements JsonFetcher {
  private readonly ca: string[] | undefined;
  private readonly timeoutMs: number;
  private readonly guard: IdpAddressGuard;

  constructor(private readonly options: HttpsJsonFetcherOptions = {}) {
    this.ca = options.extraCaFile ? [...rootCertificates, readFileSync(options.extraCaFile, 'utf8')] : undefined;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.guard = new IdpAddressGuard(options.allowedHosts);
  }

  fetchJson(url: string, maxBytes: number, thumbprints: readonly string[] = []): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let failed = false;
      const fail = (reason: string) => {
        if (failed) return;
        failed = true;
        this.options.onFailure?.({ url, reason });
        reject(new IdpCommunicationError(IDP_UNREACHABLE_MESSAGE));
      };
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return fail('not a URL');
      }
      if (target.protocol !== 'https:') return fail('identity provider documents are fetched over https only');
      const refusal = this.guard.refusalBeforeLookup(target);
      if (refusal) return fail(refusal);
      const lookup = this.guard.lookupFor(target);
      // With thumbprints, a chain that does not verify is not refused by TLS itself: the answer is
      // then read only when thumbprintRefusal accepts the server (its host and top certificate).
      // No shared agent: a pooled connection or a resumed TLS session would skip what this request
      // must check itself (a resumed session keeps no peer chain to take a thumbprint from), and
      // these fetches are rare (keys are cached).
      const options = {
        agent: false as const,
        method: 'GET',
        headers: { accept: 'application/json' },
        timeout: this.timeoutMs,
        ...(this.ca ? { ca: this.ca } : {}),
        ...(lookup ? { lookup } : {}),
        ...(thumbprints.length > 0 ? { rejectUnauthorized: false } : {}),
      };
      const req = request(target, options, (res) => {
        const untrusted = thumbprints.length > 0 ? thumbprintRefusal(res.socket as TLSSocket, target.hostname, thumbprints, new Date()) : undefined;
        if (untrusted) {
          res.destroy();
          fail(untrusted);
          return;
        }
        if (res.statusCode !== 200) {
          res.resume();
          fail(`HTTP ${res.statusCode ?? 'status missing'}${res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : ''}`);
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          fail(`the document is larger than ${maxBytes} bytes`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            fail(`the document is larger than ${maxBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(error.message));
        res.on('end', () => {
          if (size > maxBytes) return;
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            fail('the answer is not JSON');
          }
        });
      });
      // The socket's own timeout is an idle timeout: a server sending a byte now and then would
      // never meet it. This deadline bounds the whole exchange, connection, headers and body.
      const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (error) => fail(error.message));
      req.end();
    });
  }
}
