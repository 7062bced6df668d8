import { ConfigError } from '../config-error.js';

/** Where spans go: an OTLP/HTTP endpoint, in protobuf (the standard default) or JSON. */
export interface TracingConfig {
  /** The full URL spans are posted to (`…/v1/traces`). */
  readonly tracesUrl: string;
  readonly protocol: 'http/protobuf' | 'http/json';
}

/**
 * Tracing is on only when an OTLP endpoint is set, by OpenTelemetry's own variables:
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) or OTEL_EXPORTER_OTLP_ENDPOINT (`/v1/traces`
 * appended), the protocol by OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL, and
 * OTEL_SDK_DISABLED=true turns it off whatever else is set. The rest (OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER and its argument, OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS
 * and timeouts) the SDK reads itself.
 */
export function tracingConfigOf(env: NodeJS.ProcessEnv): TracingConfig | undefined {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return undefined;
  const tracesEndpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  let tracesUrl: string;
  if (tracesEndpoint) tracesUrl = tracesEndpoint;
  else if (endpoint) tracesUrl = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  else return undefined;
  try {
    const url = new URL(tracesUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`The OTLP traces endpoint must be an http or https URL, not ${JSON.stringify(tracesUrl)}`);
  }
  const protocol = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] || env['OTEL_EXPORTER_OTLP_PROTOCOL'] || 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json')
    throw new ConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (Warden does not export over gRPC), not ${JSON.stringify(protocol)}`);
  return { tracesUrl, protocol };
}
