import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { IdpCommunicationError } from '../kernel/iam-error.js';

/**
 * Fetches a JSON document from an identity provider: HTTPS only, certificates verified (Node's
 * roots, plus an extra CA when one is configured: `WARDEN_OIDC_CA_FILE`, for an issuer whose
 * certificate a private CA signed), no redirects followed, a bounded time and a bounded size. Any
 * failure is an IdpCommunicationError that names the URL and what went wrong, never the body.
 */
export interface JsonFetcher {
  fetchJson(url: string, maxBytes: number): Promise<unknown>;
}

export interface HttpsJsonFetcherOptions {
  /** A PEM file of CA certificates trusted in addition to Node's own roots. */
  readonly extraCaFile?: string | undefined;
  /** The whole exchange, connection included. */
  readonly timeoutMs?: number;
}

export class HttpsJsonFetcher implements JsonFetcher {
  private readonly ca: string[] | undefined;
  private readonly timeoutMs: number;

  constructor(options: HttpsJsonFetcherOptions = {}) {
    this.ca = options.extraCaFile ? [...rootCertificates, readFileSync(options.extraCaFile, 'utf8')] : undefined;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  fetchJson(url: string, maxBytes: number): Promise<unknown> {
    if (!url.startsWith('https://')) return Promise.reject(new IdpCommunicationError(`Refusing to fetch ${url}: identity provider documents are fetched over https only.`));
    return new Promise((resolve, reject) => {
      const fail = (why: string) => reject(new IdpCommunicationError(`Could not fetch ${url} from the identity provider: ${why}.`));
      const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, timeout: this.timeoutMs, ...(this.ca ? { ca: this.ca } : {}) }, (res) => {
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
