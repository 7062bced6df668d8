import type { HttpExchange } from '../http-exchange.js';
import { serveSigned, type SignedFrontOptions, type SignedProtocol } from '../signed-request-front.js';
import { OTHER_OPERATION } from '../metrics/request-path.js';
import { IAM_REGION } from '../requested-region.js';
import type { SigningScope } from '../sigv4/index.js';
import { JsonRequestError, jsonErrorOf } from './json-errors.js';
import { organizationsActionOf } from './organizations-actions.js';

export type AwsJsonOptions = SignedFrontOptions;

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
export function serveAwsJson(exchange: HttpExchange, options: AwsJsonOptions): Promise<void> {
  const settings = options.requestContext;
  const protocol: SignedProtocol = {
    accept: ({ request }) => {
      if (request.method !== 'POST') throw new JsonRequestError('UnknownOperationException', 405, 'The JSON protocol answers POST only.');
    },
    bodyTooLarge: (maxBodyBytes) => new JsonRequestError('RequestEntityTooLargeException', 413, `The request body exceeds ${maxBodyBytes} bytes.`),
    serviceUnavailableCode: 'ServiceUnavailableException',
    errorOf: jsonErrorOf,
    answerError: (_, error, headers) => send(exchange, error.status, JSON.stringify({ __type: error.code, message: error.message }), { 'x-amzn-errortype': error.code, ...headers }),
  };
  return serveSigned(exchange, options, protocol, async ({ body, authenticate, operation }) => {
    const targetHeader = exchange.request.headers['x-amz-target'];
    const action = organizationsActionOf(typeof targetHeader === 'string' ? targetHeader : undefined);
    exchange.operation = action?.name ?? OTHER_OPERATION;
    const signed = await authenticate(ORGANIZATIONS_SCOPES);
    if (!action) throw new JsonRequestError('UnknownOperationException', 400, 'The operation named by X-Amz-Target is not one this service answers.');
    const input = parseInput(body);
    const output = await operation(`aws-json ${action.name}`, { 'rpc.system': 'aws-api', 'rpc.service': 'organizations', 'rpc.method': action.name }, () =>
      action.run(settings.iam, signed.caller, input),
    );
    send(exchange, 200, JSON.stringify(output));
  });
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

function send(exchange: HttpExchange, status: number, body: string, headers: Record<string, string> = {}): void {
  exchange.response.writeHead(status, { 'content-type': AWS_JSON_MEDIA_TYPE, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': exchange.requestId, ...headers });
  exchange.response.end(body);
}
