import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A GraphQL client that signs every request with @smithy/signature-v4, the signer the AWS SDKs use
 * (service `warden`, region us-east-1), exactly as a Warden user would.
 */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * A GraphQL answer's data as the end-to-end tests read it: by path, each read asserted with expect.
 * The one any of the tests; the e2e block of eslint.config.js says why its reads are not checked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped GraphQL JSON, read by path in tests (see above)
export type GraphQLData = Record<string, any>;

export interface GraphQLResponse<T = GraphQLData> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface SignOptions {
  readonly signingDate?: Date;
  /** Changes the body after signing (to test tampering). */
  readonly tamper?: (body: string) => string;
  readonly region?: string;
}

export class SignedClient {
  constructor(
    readonly url: string,
    readonly credentials: Credentials,
  ) {}

  async request<T = GraphQLData>(query: string, variables: Record<string, unknown> = {}, options: SignOptions = {}): Promise<GraphQLResponse<T>> {
    return this.send<T>(JSON.stringify({ query, variables }), options);
  }

  /** Signs and sends any body as a JSON POST (operation names, extensions, odd parameters). */
  async send<T = GraphQLData>(body: string, options: SignOptions = {}): Promise<GraphQLResponse<T>> {
    const url = new URL(this.url);
    const signer = new SignatureV4({ service: 'warden', region: options.region ?? 'us-east-1', credentials: this.credentials, sha256: Sha256 });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      },
      options.signingDate ? { signingDate: options.signingDate } : {},
    );
    const response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: options.tamper ? options.tamper(body) : body });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T>['body'] };
  }

  /** The `data` of a successful call, failing loudly on GraphQL errors. */
  async data<T = GraphQLData>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await this.request<T>(query, variables);
    if (response.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(response.body.errors)}`);
    return response.body.data!;
  }
}
