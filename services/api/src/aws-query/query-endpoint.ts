import type { Caller, IamService } from '@warden/iam';
import { AuthenticationError, type RequestFacts } from '../authenticate.js';
import type { HttpExchange } from '../http-exchange.js';
import { serveSigned, type SignedFrontOptions, type SignedProtocol } from '../signed-request-front.js';
import { OTHER_OPERATION } from '../metrics/request-path.js';
import { hasPresignParameters, parseQuery, type SigningScope } from '../sigv4/index.js';
import { isUnsignedAwsAction } from '../unsigned-actions.js';
import { IAM_REGION } from '../requested-region.js';
import { awsErrorOf, QueryRequestError } from './aws-errors.js';
import { type ActionCall, API_VERSIONS, type AwsService, XML_NAMESPACES } from './query-action.js';
import { queryActionOf } from './query-actions.js';
import { QueryParameters } from './query-parameters.js';
import { errorXml, successXml } from './query-xml.js';

export type AwsQueryOptions = SignedFrontOptions;

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
export function serveAwsQuery(exchange: HttpExchange, options: AwsQueryOptions): Promise<void> {
  const { request, requestId } = exchange;
  const settings = options.requestContext;
  let service: AwsService = 'iam';
  const protocol: SignedProtocol = {
    accept: acceptQuery,
    bodyTooLarge: (maxBodyBytes) => new QueryRequestError('RequestEntityTooLarge', 413, `The request body exceeds ${maxBodyBytes} bytes.`),
    serviceUnavailableCode: 'ServiceUnavailable',
    errorOf: awsErrorOf,
    // In the namespace of the service the signature (or, before it, the Version) names.
    answerError: (_, error, headers) => send(exchange, error.status, errorXml(error, XML_NAMESPACES[service], requestId), headers),
  };
  return serveSigned(exchange, options, protocol, async ({ body, facts, authenticate, operation }) => {
    const params = QueryParameters.parse(request.method === 'POST' ? body.toString('utf8') : exchange.query);
    exchange.operation = operationLabelOf(params.optional('Action'));
    // Until the signature names a service, an error answers in the namespace the Version names.
    if (params.optional('Version') === API_VERSIONS.sts) service = 'sts';
    let call: ActionCall;
    if (request.headers.authorization === undefined && !hasPresignParameters(parseQuery(exchange.query)) && isUnsignedAwsAction(service, params.optional('Action'))) {
      call = unsignedCall(settings.iam, params, facts);
    } else {
      const signed = await authenticate(QUERY_SCOPES);
      service = signed.service as AwsService;
      call = { iam: settings.iam, caller: signed.caller, params, facts };
    }
    const result = await operation(`aws-query ${exchange.operation}`, { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': exchange.operation }, () => runAction(service, call));
    send(exchange, 200, successXml(result.action, XML_NAMESPACES[service], result.xml, requestId));
  });
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

/** A Query request is a GET, or a POST of a form. */
function acceptQuery({ request }: HttpExchange): void {
  if (request.method === 'GET') return;
  if (request.method !== 'POST') throw new QueryRequestError('InvalidHttpRequest', 405, `The Query API answers POST and GET, not ${request.method ?? 'this method'}.`);
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== FORM_MEDIA_TYPE) throw new QueryRequestError('InvalidHttpRequest', 415, `A Query POST is a form: Content-Type ${FORM_MEDIA_TYPE}.`);
}

function send(exchange: HttpExchange, status: number, body: string, headers: Record<string, string> = {}): void {
  exchange.response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': exchange.requestId, ...headers });
  exchange.response.end(body);
}
