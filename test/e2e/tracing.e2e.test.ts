import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { RunningWarden } from '@warden/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_PATH_NAMES, signAlong } from './support/execution-paths.js';
import type { Credentials } from './support/signed-client.js';
import { DRIVERS, newTenant, startTestWarden } from './support/warden-under-test.js';

// The batch processor's delay, which the SDK reads from the process's environment: short, so the spans arrive soon.
process.env['OTEL_BSP_SCHEDULE_DELAY'] = '100';

/** A span as OTLP/JSON carries it (ids in hex), with its attributes flattened. */
interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
}

const SERVER = 2;
const CLIENT = 3;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface OtlpRequest {
  resourceSpans: { resource?: { attributes?: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A local OTLP/HTTP endpoint that keeps what it is sent: every span, and the raw bodies (for the secrets check). */
class OtlpSink {
  readonly spans: ExportedSpan[] = [];
  readonly bodies: string[] = [];
  readonly serviceNames = new Set<string>();
  readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.bodies.push(body);
      if (request.url === '/v1/traces') {
        const exported = JSON.parse(body) as OtlpRequest;
        for (const resourceSpans of exported.resourceSpans) {
          const service = resourceSpans.resource?.attributes?.find((each) => each.key === 'service.name')?.value.stringValue;
          if (service) this.serviceNames.add(service);
          for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) this.spans.push(flatten(span));
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The spans of one trace, once `done` holds of them (the processor exports in batches, a moment after the request). */
  async trace(traceId: string, done: (spans: ExportedSpan[]) => boolean): Promise<ExportedSpan[]> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const spans = this.spans.filter((span) => span.traceId === traceId);
      if (done(spans)) return spans;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.spans.filter((span) => span.traceId === traceId);
  }
}

function flatten(span: OtlpSpan): ExportedSpan {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of span.attributes ?? []) attributes[key] = value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue;
  return { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind, attributes };
}

/** A fresh W3C traceparent, as a caller already tracing would send it. */
function traceparent(): { header: string; traceId: string; parentId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

function childrenOf(spans: ExportedSpan[], parent: ExportedSpan): ExportedSpan[] {
  return spans.filter((span) => span.parentSpanId === parent.spanId);
}

const GET_USER = 'query($n: String!) { user(userName: $n) { __typename } }';

describe.each([...DRIVERS])('OpenTelemetry traces to an OTLP endpoint (%s)', (driver) => {
  const sink = new OtlpSink();
  const logLines: string[] = [];
  let warden: RunningWarden;
  let credentials: Credentials;
  beforeAll(async () => {
    const endpoint = await sink.listen();
    const logs = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    warden = await startTestWarden(driver, logs, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    ({ credentials } = await newTenant(warden));
  });
  afterAll(async () => {
    await warden.close();
    await new Promise((resolve) => sink.server.close(resolve));
  });

  /** The request's spans: the server span (a child of the caller's), authentication and the operation beneath it, and the statements beneath those. */
  async function requestSpans(traceId: string, parentId: string, operationName: string) {
    const spans = await sink.trace(traceId, (each) => each.some((span) => span.name === operationName) && each.some((span) => span.kind === SERVER));
    const server = spans.find((span) => span.kind === SERVER);
    expect(server, 'the server span').toBeDefined();
    expect(server!.parentSpanId).toBe(parentId);
    const children = childrenOf(spans, server!);
    const authentication = children.find((span) => span.name === 'authenticate');
    const operation = children.find((span) => span.name === operationName);
    expect(authentication, 'the authentication span, a child of the server span').toBeDefined();
    expect(operation, `the ${operationName} span, a child of the server span`).toBeDefined();
    return { spans, server: server!, authentication: authentication!, operation: operation! };
  }

  it.each(EXECUTION_PATH_NAMES)('traces a signed GraphQL request on the path %s: request, authentication, operation, its SQL, in the caller’s trace', async (path) => {
    const { header, traceId, parentId } = traceparent();
    const signed = await signAlong(path, warden.url, credentials, GET_USER, { n: 'nobody-here' }, { traceparent: header });
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(response.status).toBe(200);
    const { spans, server, authentication, operation } = await requestSpans(traceId, parentId, 'graphql user');
    expect(server.name).toBe('POST /graphql');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(authentication.attributes['warden.auth.method']).toBe('sigv4');
    // The tenant's key is first used by the first of these requests: resolving it reads the store, under the authentication span.
    if (path === EXECUTION_PATH_NAMES[0]) expect(childrenOf(spans, authentication).some((span) => span.kind === CLIENT)).toBe(true);
    expect(operation.attributes['warden.graphql.engine']).toBe(path === 'compiled operations' ? 'compiled' : 'yoga');
    const statements = childrenOf(spans, operation).filter((span) => span.kind === CLIENT);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement.attributes['db.system.name']).toBe('postgresql');
    expect(statements.some((statement) => String(statement.attributes['db.query.text']).includes('$1'))).toBe(true);
    expect(sink.serviceNames).toContain('warden');
  });

  it('traces a Query front call: the request, its authentication and the action, in the caller’s trace', async () => {
    const { header, traceId, parentId } = traceparent();
    const client = new IAMClient({ endpoint: new URL('/', warden.url).href, region: 'us-east-1', credentials, maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['traceparent'] = header;
        return next(args);
      },
      { step: 'build' },
    );
    await client.send(new ListUsersCommand({}));
    const { spans, operation } = await requestSpans(traceId, parentId, 'aws-query ListUsers');
    expect(operation.attributes['rpc.method']).toBe('ListUsers');
    expect(childrenOf(spans, operation).some((span) => span.kind === CLIENT)).toBe(true);
  });

  it('traces an Organizations (JSON 1.1) call as the Query front does: the request, its authentication and the operation', async () => {
    const { header, traceId, parentId } = traceparent();
    const client = new OrganizationsClient({ endpoint: new URL('/', warden.url).href, region: 'us-east-1', credentials, maxAttempts: 1 });
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['traceparent'] = header;
        return next(args);
      },
      { step: 'build' },
    );
    // A tenant may not describe accounts: the refusal is traced all the same.
    await client.send(new DescribeAccountCommand({ AccountId: '000000000001' })).catch(() => undefined);
    const { authentication, operation } = await requestSpans(traceId, parentId, 'aws-json DescribeAccount');
    expect(authentication.attributes['warden.auth.method']).toBe('sigv4');
    expect(operation.attributes['rpc.service']).toBe('organizations');
    expect(operation.attributes['rpc.method']).toBe('DescribeAccount');
  });

  it('writes the request’s trace and span ids on its access log line', async () => {
    const { header, traceId, parentId } = traceparent();
    const signed = await signAlong('compiled operations', warden.url, credentials, GET_USER, { n: 'logged' }, { traceparent: header });
    const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
    const requestId = response.headers.get('x-amzn-requestid');
    const { server } = await requestSpans(traceId, parentId, 'graphql user');
    const line = logLines.map((each) => JSON.parse(each) as Record<string, unknown>).find((each) => each['msg'] === 'request' && each['requestId'] === requestId);
    expect(line).toMatchObject({ trace_id: traceId, span_id: server.spanId, status: 200 });
  });

  it('puts no SQL parameter value and no secret in any span', async () => {
    const marker = `traced-${randomBytes(6).toString('hex')}`;
    const { header, traceId } = traceparent();
    const post = async <T>(query: string): Promise<T> => {
      const signed = await signAlong('compiled operations', warden.url, credentials, query, { n: marker }, { traceparent: header });
      const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body });
      return ((await response.json()) as { data: T }).data;
    };
    const created = await post<{ createUser: { __typename: string } }>('mutation($n: String!) { createUser(input: { userName: $n }) { __typename } }');
    expect(created.createUser.__typename).toBe('CreateUserSuccess');
    const key = await post<{ createAccessKey: { data: { secretAccessKey: string } } }>(
      'mutation($n: String!) { createAccessKey(input: { userName: $n }) { ... on CreateAccessKeySuccess { data { secretAccessKey } } } }',
    );
    const secret = key.createAccessKey.data.secretAccessKey;
    expect(secret).toHaveLength(40);
    const spans = await sink.trace(traceId, (each) => each.some((span) => span.name === 'graphql createAccessKey') && each.filter((span) => span.name === 'COMMIT').length >= 2);
    // The write's statements, its INSERTs among them, are there, with placeholders where the values were.
    expect(spans.some((span) => /insert/i.test(String(span.attributes['db.query.text'])))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exported = sink.bodies.join('\n');
    expect(exported).not.toContain(marker);
    expect(exported).not.toContain(secret);
    expect(exported).not.toContain(credentials.secretAccessKey);
    expect(exported).not.toContain('Signature=');
  });
});
