import { createServer, type Server } from 'node:http';
import type { Logger } from '../logger.js';

/**
 * The metrics' own listener: `GET /metrics` in Prometheus's text format, 404 for anything else.
 * It is apart from the API's port so that only whoever reaches this address (loopback by default)
 * can read it: tenants reach the API, and the metrics say how every tenant's requests fare.
 */
/** Whatever a process counts: a server's WardenMetrics, a worker's WorkerMetrics. */
export interface MetricsExposition {
  exposition(): Promise<{ readonly contentType: string; readonly body: string }>;
}

export function createMetricsServer(metrics: MetricsExposition, logger: Logger): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: the metrics are at GET /metrics.\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics: the scrape failed');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('The metrics could not be collected.\n');
      },
    );
  });
}
