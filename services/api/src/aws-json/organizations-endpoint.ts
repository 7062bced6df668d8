import { isDatabaseUnavailable } from '@warden/db';
import type { AccessLog } from '../access-log.js';
import { authenticateSigned } from '../authenticate.js';
import type { AwsError } from '../aws-query/aws-errors.js';
import { type HttpExchange, logExchange } from '../http-exchange.js';
import { OTHER_OPERATION } from '../metrics/request-path.js';
import { BodyTooLargeError, readBody } from '../read-body.js';
import { requestFactsOf } from '../request-facts.js';
import type { RequestContextSettings } from '../request-context.js';
import { IAM_REGION } from '../requested-region.js';
import { RETRY_AFTER_SECONDS } from '../service-unavailable.js';
import type { SigningScope } from '../sigv4/index.js';
import { logUnexpectedError } from '../unexpected-error-log.js';
import { JsonRequestError, jsonErrorOf } from './json-errors.js';
import { organizationsActionOf } from './organizations-actions.js';

export interface AwsJsonOptions {
  readonly requestContext: RequestContextSettings;
  readonly maxBodyBytes: number;
  readonly accessLog: AccessLog;
}

/** The media type of AWS's JSON 1.1 protocol, which Organizations speaks. */
export const AWS_JSON_MEDIA_TYPE = 'application/x-amz-json-1.1';

/** Organizations is a global service, signed for us-east-1 as IAM is. */
const ORGANIZATIONS_SCOPES: readonly SigningScope[] = [{ service: 'organizations', region: IAM_REGION }];

/**
 * `/` with `Content-Type: application/x-amz-json-1.1`: AWS's JSON 1.1 protocol for Organizations'
 * account operations (ListAccounts, DescribeAccount, CloseAccount), the operation named by
 * `X-Amz-Target`, the input a JSON object, signed with SigV4 for `organizations` by the same
 * credentials and checks as every other request. Each calls the IamService operation GraphQL's
 * resolver calls; answers are JSON, errors AWS's JSON errors, a request id names both. The Query
 * front (aws-query/) keeps the form posts at the same path.
 */
export async function serveAwsJson(exchange: HttpExchange, options: AwsJsonOptions): Promise<void> {
  const { request } = exchange;
  const settings = options.requestContext;
  let accessKeyId: string | undefined;
  exchange.metricsPath = 'aws-query';
  try {
    if (request.method !== 'POST') throw new JsonRequestError('UnknownOperationException', 405, 'The JSON protocol answers POST only.');
    const body = await readJsonBody(exchange, options.maxBodyBytes);
    const targetHeader = request.headers['x-amz-target'];
    const action = organizationsActionOf(typeof targetHeader === 'string' ? targetHeader : undefined);
    exchange.operation = action?.name ?? OTHER_OPERATION;
    const facts = requestFactsOf(exchange, settings.clientAddress, settings.now());
    const signed = await authenticateSigned({ method: 'POST', path: exchange.path, query: exchange.query, headers: request.headers, body }, facts, settings.authentication, ORGANIZATIONS_SCOPES);
    accessKeyId = signed.caller.accessKeyId;
    if (!action) throw new JsonRequestError('UnknownOperationException', 400, 'The operation named by X-Amz-Target is not one this service answers.');
    const input = parseInput(body);
    const output = await action.run(settings.iam, signed.caller, input);
    send(exchange, 200, JSON.stringify(output));
    logExchange(options.accessLog, exchange, 200, accessKeyId);
  } catch (error) {
    const known = jsonErrorOf(error) ?? unavailableOrUnexpected(error, exchange, settings);
    send(exchange, known.status, JSON.stringify({ __type: known.code, message: known.message }), {
      'x-amzn-errortype': known.code,
      ...(known.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
    });
    logExchange(options.accessLog, exchange, known.status, accessKeyId);
  }
}

function parseInput(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JsonRequestError('SerializationException', 400, 'The request body is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JsonRequestError('SerializationException', 400, 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

async function readJsonBody(exchange: HttpExchange, maxBodyBytes: number): Promise<Buffer> {
  try {
    return await readBody(exchange.request, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      exchange.response.setHeader('connection', 'close');
      throw new JsonRequestError('RequestEntityTooLargeException', 413, `The request body exceeds ${maxBodyBytes} bytes.`);
    }
    throw error;
  }
}

/** A database outage is ServiceUnavailableException (503, retried by the SDKs); anything else InternalFailure (500), logged with its request id. */
function unavailableOrUnexpected(error: unknown, exchange: HttpExchange, settings: RequestContextSettings): AwsError {
  if (isDatabaseUnavailable(error)) return { code: 'ServiceUnavailableException', status: 503, message: 'The service is unavailable. Please try again later.', type: 'Receiver' };
  logUnexpectedError(settings.logger, exchange.requestId, error);
  return { code: 'InternalFailure', status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.', type: 'Receiver' };
}

function send(exchange: HttpExchange, status: number, body: string, headers: Record<string, string> = {}): void {
  exchange.response.writeHead(status, { 'content-type': AWS_JSON_MEDIA_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': exchange.requestId, ...headers });
  exchange.response.end(body);
}
