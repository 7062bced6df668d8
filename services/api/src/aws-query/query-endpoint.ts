import { isDatabaseUnavailable } from '@warden/db';
import type { Caller, IamService } from '@warden/iam';
import type { AccessLog } from '../access-log.js';
import { AuthenticationError, authenticateSigned, type RequestFacts } from '../authenticate.js';
import { type HttpExchange, logExchange } from '../http-exchange.js';
import { traced } from '../tracing/request-trace.js';
import { OTHER_OPERATION } from '../metrics/request-path.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { requestFactsOf } from '../request-facts.js';
import type { RequestContextSettings } from '../request-context.js';
import { RETRY_AFTER_SECONDS } from '../service-unavailable.js';
import { hasPresignParameters, parseQuery, type SigningScope } from '../sigv4/index.js';
import { isUnsignedAwsAction } from '../unsigned-actions.js';
import { IAM_REGION } from '../requested-region.js';
import { type AwsError, awsErrorOf, QueryRequestError } from './aws-errors.js';
import { type ActionCall, API_VERSIONS, type AwsService, XML_NAMESPACES } from './query-action.js';
import { queryActionOf } from './query-actions.js';
import { QueryParameters } from './query-parameters.js';
import { errorXml, successXml } from './query-xml.js';
import { logUnexpectedError } from '../unexpected-error-log.js';

export interface AwsQueryOptions {
  readonly requestContext: RequestContextSettings;
  readonly maxBodyBytes: number;
  readonly accessLog: AccessLog;
}

/**
 * The signing names the Query front accepts. IAM is a global service whose requests AWS signs for
 * us-east-1 (its credential scope names no other region); STS answers in every region (a region
 * name, as requestedRegion requires). The signing name decides which service's actions a request
 * may call.
 */
const QUERY_SCOPES: readonly SigningScope[] = [
  { service: 'iam', region: IAM_REGION },
  { service: 'sts', region: '*' },
];

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * `/`: AWS's Query protocol for IAM and STS, as the AWS CLI and SDKs speak it: `Action` and
 * `Version` with the action's parameters in a form POST (or the query string of a GET), signed
 * with SigV4 for `iam` or `sts` by the same credentials and checks as GraphQL, except the actions
 * of the unsigned allow-list (unsigned-actions.ts: AssumeRoleWithWebIdentity), sent without.
 * Answers are AWS's XML, errors AWS's error XML with AWS's codes and statuses; a request id names
 * both.
 */
export async function serveAwsQuery(exchange: HttpExchange, options: AwsQueryOptions): Promise<void> {
  const { request, requestId } = exchange;
  const settings = options.requestContext;
  let service: AwsService = 'iam';
  let accessKeyId: string | undefined;
  exchange.metricsPath = 'aws-query';
  try {
    const body = await readQueryBody(exchange, options.maxBodyBytes);
    const params = QueryParameters.parse(request.method === 'POST' ? body.toString('utf8') : exchange.query);
    exchange.operation = operationLabelOf(params.optional('Action'));
    // Until the signature names a service, an error answers in the namespace the Version names.
    if (params.optional('Version') === API_VERSIONS.sts) service = 'sts';
    const facts = requestFactsOf(exchange, settings.clientAddress, settings.now());
    let call: ActionCall;
    if (request.headers.authorization === undefined && !hasPresignParameters(parseQuery(exchange.query)) && isUnsignedAwsAction(service, params.optional('Action'))) {
      call = unsignedCall(settings.iam, params, facts);
    } else {
      const authentication = () =>
        authenticateSigned({ method: request.method ?? 'GET', path: exchange.path, query: exchange.query, headers: request.headers, body }, facts, settings.authentication, QUERY_SCOPES);
      const signed = exchange.trace
        ? await traced(exchange.trace, 'authenticate', { 'warden.auth.method': 'sigv4' }, async (span) => {
            const verified = await authentication();
            span.setAttribute('warden.account.id', verified.caller.accountId);
            return verified;
          })
        : await authentication();
      service = signed.service as AwsService;
      accessKeyId = signed.caller.accessKeyId;
      call = { iam: settings.iam, caller: signed.caller, params, facts };
    }
    const result = exchange.trace
      ? await traced(exchange.trace, `aws-query ${exchange.operation}`, { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': exchange.operation }, () => runAction(service, call))
      : await runAction(service, call);
    send(exchange, 200, successXml(result.action, XML_NAMESPACES[service], result.xml, requestId));
    logExchange(options.accessLog, exchange, 200, accessKeyId);
  } catch (error) {
    const known = awsErrorOf(error) ?? unavailableOrUnexpected(error, exchange, settings);
    send(exchange, known.status, errorXml(known, XML_NAMESPACES[service], requestId), known.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {});
    logExchange(options.accessLog, exchange, known.status, accessKeyId);
  }
}

/**
 * The call of an action on the unsigned allow-list, made without a signature: no caller, so an
 * action that asks for one is refused as a request without authentication.
 */
function unsignedCall(iam: IamService, params: QueryParameters, facts: RequestFacts): ActionCall {
  return {
    iam,
    params,
    facts,
    get caller(): Caller {
      throw new AuthenticationError('The request is not signed: sign it with SigV4.', 'MISSING_AUTHENTICATION');
    },
  };
}

/** The metrics' operation label: the Action when IAM or STS has it, else `other` (never a value only the client chose). */
function operationLabelOf(action: string | undefined): string {
  if (action === undefined) return OTHER_OPERATION;
  return queryActionOf('iam', action) || queryActionOf('sts', action) ? action : OTHER_OPERATION;
}

async function runAction(service: AwsService, call: ActionCall) {
  const { params } = call;
  const action = params.optional('Action');
  if (action === undefined) throw new QueryRequestError('MissingAction', 400, 'The request must contain the parameter Action.');
  const version = params.optional('Version');
  const handler = version === API_VERSIONS[service] ? queryActionOf(service, action) : undefined;
  // AWS's answer for an action it does not have, or not in this version: InvalidAction, naming both.
  if (!handler) throw new QueryRequestError('InvalidAction', 400, `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
  const xml = await handler.run(call);
  return { action, xml };
}

async function readQueryBody(exchange: HttpExchange, maxBodyBytes: number): Promise<Buffer> {
  const { request } = exchange;
  if (request.method === 'GET') return readBodyWithin(exchange, maxBodyBytes);
  if (request.method !== 'POST') throw new QueryRequestError('InvalidHttpRequest', 405, `The Query API answers POST and GET, not ${request.method ?? 'this method'}.`);
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== FORM_MEDIA_TYPE) throw new QueryRequestError('InvalidHttpRequest', 415, `A Query POST is a form: Content-Type ${FORM_MEDIA_TYPE}.`);
  return readBodyWithin(exchange, maxBodyBytes);
}

async function readBodyWithin(exchange: HttpExchange, maxBodyBytes: number): Promise<Buffer> {
  try {
    return await readBody(exchange.request, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      exchange.response.setHeader('connection', 'close');
      throw new QueryRequestError('RequestEntityTooLarge', 413, `The request body exceeds ${maxBodyBytes} bytes.`);
    }
    throw error;
  }
}

/** A database outage is AWS's ServiceUnavailable (503, retried by the SDKs); anything else InternalFailure (500), logged with its request id. */
function unavailableOrUnexpected(error: unknown, exchange: HttpExchange, settings: RequestContextSettings): AwsError {
  if (isDatabaseUnavailable(error)) return { code: 'ServiceUnavailable', status: 503, message: 'The service is unavailable. Please try again later.', type: 'Receiver' };
  // Only the error's name, message, code and stack: a library's error may carry the values it was given.
  logUnexpectedError(settings.logger, exchange.requestId, error);
  return { code: 'InternalFailure', status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.', type: 'Receiver' };
}

function send(exchange: HttpExchange, status: number, body: string, headers: Record<string, string> = {}): void {
  exchange.response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': exchange.requestId, ...headers });
  exchange.response.end(body);
}
