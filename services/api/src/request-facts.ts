import type { RequestFacts } from './authenticate.js';
import type { ClientAddress } from './client-address.js';
import type { HttpExchange } from './http-exchange.js';

/** What a request brings besides its proof, read the same way by every front: request id, source IP, user agent, transport, time. */
export function requestFactsOf(exchange: HttpExchange, clientAddress: ClientAddress, now: Date): RequestFacts {
  const { request } = exchange;
  return {
    requestId: exchange.requestId,
    sourceIp: clientAddress.of(request),
    userAgent: request.headers['user-agent'],
    secureTransport: clientAddress.secure(request),
    now,
  };
}
