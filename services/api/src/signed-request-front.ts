import { isDatabaseUnavailable } from '@warden/db';
import type { Attributes } from '@opentelemetry/api';
import type { AccessLog } from './access-log.js';
import { authenticateSigned, type RequestFacts, type SignedCaller } from './authenticate.js';
import type { AwsError } from './aws-query/aws-errors.js';
import { type HttpExchange, logExchange } from './http-exchange.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { requestFactsOf } from './request-facts.js';
import type { RequestContextSettings } from './request-context.js';
import { RETRY_AFTER_SECONDS } from './service-unavailable.js';
import type { SigningScope } from './sigv4/index.js';
import { traced } from './tracing/request-trace.js';
import { logUnexpectedError } from './unexpected-error-log.js';

/** What an AWS protocol front is given: the settings of every request, and its body limit and access log. */
export interface SignedFrontOptions {
  readonly requestContext: RequestContextSettings;
  readonly maxBodyBytes: number;
  readonly accessLog: AccessLog;
}

/** What a protocol tells the shared front: what it refuses before reading, and how its errors are named and answered. */
export interface SignedProtocol {
  /** Refuses, by throwing the protocol's error, a request it does not take (its method, its media type), before the body is read. */
  readonly accept: (exchange: HttpExchange) => void;
  /** The protocol's error for a body over the limit (413). */
  readonly bodyTooLarge: (maxBodyBytes: number) => Error;
  /** The protocol's error code for a database outage (503, which the SDKs retry). */
  readonly serviceUnavailableCode: string;
  /** The error the protocol answers for a thrown one it knows; undefined for anything else. */
  readonly errorOf: (error: unknown) => AwsError | undefined;
  /** Writes the protocol's error answer (its body shape and media type), with `headers` added. */
  readonly answerError: (exchange: HttpExchange, error: AwsError, headers: Record<string, string>) => void;
}

/** A request as the front hands it to the protocol: its body read and its facts taken. */
export interface SignedExchange {
  readonly exchange: HttpExchange;
  readonly body: Buffer;
  readonly facts: RequestFacts;
  /** Verifies the request's SigV4 signature for one of `scopes` (traced as `authenticate`); the access log then names its key. */
  readonly authenticate: (scopes: readonly SigningScope[]) => Promise<SignedCaller>;
  /** Runs the operation in its own tracing span when the request is traced. */
  readonly operation: <T>(spanName: string, attributes: Attributes, work: () => Promise<T>) => Promise<T>;
}

/**
 * The front every signed AWS protocol shares (the Query protocol of IAM and STS, the JSON 1.1
 * protocol of Organizations): the body read within its limit, the request's facts, SigV4
 * authentication for the protocol's services, the tracing spans, the error answer (a database
 * outage is 503 with Retry-After, anything unexpected a logged 500 InternalFailure) and the access
 * log line. `serve` keeps only the protocol's parsing and its success answer, which it writes.
 */
export async function serveSigned(exchange: HttpExchange, options: SignedFrontOptions, protocol: SignedProtocol, serve: (request: SignedExchange) => Promise<void>): Promise<void> {
  const settings = options.requestContext;
  let accessKeyId: string | undefined;
  exchange.metricsPath = 'aws-query';
  try {
    protocol.accept(exchange);
    const body = await readBodyWithin(exchange, options.maxBodyBytes, protocol);
    const facts = requestFactsOf(exchange, settings.clientAddress, settings.now());
    const { request, trace } = exchange;
    await serve({
      exchange,
      body,
      facts,
      authenticate: async (scopes) => {
        const authentication = () =>
          authenticateSigned({ method: request.method ?? 'GET', path: exchange.path, query: exchange.query, headers: request.headers, body }, facts, settings.authentication, scopes);
        const signed = trace
          ? await traced(trace, 'authenticate', { 'warden.auth.method': 'sigv4' }, async (span) => {
              const verified = await authentication();
              span.setAttribute('warden.account.id', verified.caller.accountId);
              return verified;
            })
          : await authentication();
        accessKeyId = signed.caller.accessKeyId;
        return signed;
      },
      operation: (spanName, attributes, work) => (trace ? traced(trace, spanName, attributes, work) : work()),
    });
    logExchange(options.accessLog, exchange, 200, accessKeyId);
  } catch (error) {
    const known = protocol.errorOf(error) ?? unavailableOrUnexpected(error, exchange, settings, protocol.serviceUnavailableCode);
    protocol.answerError(exchange, known, known.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {});
    logExchange(options.accessLog, exchange, known.status, accessKeyId);
  }
}

async function readBodyWithin(exchange: HttpExchange, maxBodyBytes: number, protocol: SignedProtocol): Promise<Buffer> {
  try {
    return await readBody(exchange.request, maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      exchange.response.setHeader('connection', 'close');
      throw protocol.bodyTooLarge(maxBodyBytes);
    }
    throw error;
  }
}

/** A database outage is the protocol's ServiceUnavailable (503); anything else InternalFailure (500), logged with its request id. */
function unavailableOrUnexpected(error: unknown, exchange: HttpExchange, settings: RequestContextSettings, serviceUnavailableCode: string): AwsError {
  if (isDatabaseUnavailable(error)) return { code: serviceUnavailableCode, status: 503, message: 'The service is unavailable. Please try again later.', type: 'Receiver' };
  // Only the error's name, message, code and stack: a library's error may carry the values it was given.
  logUnexpectedError(settings.logger, exchange.requestId, error);
  return { code: 'InternalFailure', status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.', type: 'Receiver' };
}
