import type { IamService } from '@warden/iam';
import type { AccessLog } from './access-log.js';
import { serveAuditExport } from './audit-export.js';
import { AWS_JSON_MEDIA_TYPE, serveAwsJson } from './aws-json/organizations-endpoint.js';
import { serveAwsQuery } from './aws-query/query-endpoint.js';
import type { ClientAddress } from './client-address.js';
import { serveGraphiQLAsset } from './graphiql-page.js';
import { type GraphQLEndpointOptions, serveGraphQL } from './graphql-endpoint.js';
import { countExchange, type HttpExchange, logExchange } from './http-exchange.js';
import { graphQLErrorBody, sendJson } from './json-response.js';
import type { ReadinessReport } from './readiness.js';
import { RETRY_AFTER_SECONDS } from './service-unavailable.js';
import { handleSignInPage } from './sign-in-page.js';

export interface RouterOptions {
  readonly graphql: GraphQLEndpointOptions;
  readonly iam: IamService;
  readonly clientAddress: ClientAddress;
  readonly maxBodyBytes: number;
  readonly accessLog: AccessLog;
  /** `/health/ready`: whether this process can serve now (readiness.ts). */
  readonly readiness?: (() => Promise<ReadinessReport>) | undefined;
}

/** The sign-in form's body is a few fields: the API's body limit is far more than it needs. */
const MAX_SIGN_IN_FORM_BYTES = 16_384;

/**
 * Which handler answers a request, by its path alone:
 * - `/graphql`: the API (graphql-endpoint.ts), and GraphiQL's page for a browser;
 * - `/graphiql/graphiql.js` and `.css`: GraphiQL's bundle (graphiql-page.ts);
 * - `/signin` and `/signin/ACCOUNT`: the console sign-in page (sign-in-page.ts);
 * - `/health/live` (and `/health`): liveness, which touches nothing (a database outage must not get
 *   replicas restarted);
 * - `/health/ready`: readiness, which asks the database, its migrations, the keyring and Redis;
 * - `/audit/export`: the audit log as a file, streamed (audit-export.ts);
 * - `/`: AWS's Query protocol for IAM and STS (aws-query/), where the AWS CLI and SDKs send it,
 *   and AWS's JSON 1.1 protocol for Organizations (aws-json/) when the body says it is that;
 * - anything else: 404.
 * The health probes write no access log line: an orchestrator polls them.
 */
export function route(exchange: HttpExchange, options: RouterOptions): Promise<void> | void {
  switch (exchange.path) {
    case '/graphql':
      return serveGraphQL(exchange, options.graphql);
    case '/health':
    case '/health/live':
      exchange.metricsPath = 'health';
      sendJson(exchange.response, 200, { status: 'ok' });
      return countExchange(exchange, 200);
    case '/health/ready':
      exchange.metricsPath = 'health';
      return answerReadiness(exchange, options.readiness);
    case '/audit/export':
      return serveAuditExport(exchange, { requestContext: options.graphql.requestContext, accessLog: options.accessLog, streamsEnd: options.graphql.streamsEnd });
    case '/graphiql/graphiql.js':
    case '/graphiql/graphiql.css':
      return serveGraphiQLAsset(exchange, options.accessLog);
    case '/': {
      const front = { requestContext: options.graphql.requestContext, maxBodyBytes: options.maxBodyBytes, accessLog: options.accessLog };
      return isAwsJson(exchange) ? serveAwsJson(exchange, front) : serveAwsQuery(exchange, front);
    }
  }
  if (exchange.path.startsWith('/signin/') || exchange.path === '/signin') return serveSignInPage(exchange, options);
  sendJson(exchange.response, 404, graphQLErrorBody('Not found: the API is at /graphql.', 'NOT_FOUND'));
  logExchange(options.accessLog, exchange, 404);
}

async function answerReadiness(exchange: HttpExchange, readiness: RouterOptions['readiness']): Promise<void> {
  const report = (await readiness?.()) ?? { ready: true, checks: {} };
  sendJson(exchange.response, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'unavailable', checks: report.checks }, report.ready ? {} : { 'retry-after': String(RETRY_AFTER_SECONDS) });
  countExchange(exchange, report.ready ? 200 : 503);
}

async function serveSignInPage(exchange: HttpExchange, options: RouterOptions): Promise<void> {
  const { request, response, path, requestId } = exchange;
  exchange.metricsPath = 'sign-in';
  const status = await handleSignInPage(request, response, {
    path,
    iam: options.iam,
    requestId,
    sourceIp: options.clientAddress.of(request),
    maxBodyBytes: Math.min(options.maxBodyBytes, MAX_SIGN_IN_FORM_BYTES),
  });
  logExchange(options.accessLog, exchange, status);
}

/** A request in AWS's JSON 1.1 protocol, by its media type (the Query front's are form posts and GETs). */
function isAwsJson(exchange: HttpExchange): boolean {
  return (exchange.request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === AWS_JSON_MEDIA_TYPE;
}
