import { isDatabaseUnavailable, unavailableReason } from '@warden/db';

/**
 * Readiness, as a load balancer or an orchestrator asks it: can this process answer requests now?
 * Liveness (`/health`) says only that the process runs, so that a database outage does not get
 * every replica restarted; readiness (`/health/ready`) round-trips to the database, so that traffic
 * goes elsewhere while this one cannot serve.
 */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: { readonly database: string };
}

/** A probe answers within this, whatever the database does (a frozen server never answers). */
export const READINESS_TIMEOUT_MS = 1_000;

/** `ping` is one round trip to the database (pingDatabase). */
export function databaseReadiness(ping: () => Promise<unknown>, timeoutMs: number = READINESS_TIMEOUT_MS): () => Promise<ReadinessReport> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
    });
    const answered = ping().then(
      () => 'ok',
      (error: unknown) => (isDatabaseUnavailable(error) ? `unavailable: ${unavailableReason(error)}` : 'failing: unexpected error'),
    );
    try {
      const database = await Promise.race([answered, timedOut]);
      return { ready: database === 'ok', checks: { database } };
    } finally {
      clearTimeout(timer);
    }
  };
}
