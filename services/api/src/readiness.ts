import { isDatabaseUnavailable, unavailableReason } from '@warden/db';

/**
 * Readiness, as a load balancer or an orchestrator asks it: can this process answer requests now?
 * Liveness (`/health/live`, and `/health` as before) says only that the process runs, so that a
 * database outage does not get every replica restarted; readiness (`/health/ready`) asks what a
 * request needs: the database answers, its schema has every migration this build knows, the
 * keyring has an active key, and Redis answers when jobs go through it.
 */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Each check's answer: `ok`, or why not. */
  readonly checks: Readonly<Record<string, string>>;
}

/** One thing readiness asks: resolves `ok`, or a short reason (never a secret, never a stack). */
export type ReadinessCheck = () => Promise<string>;

/** A probe answers within this, whatever the database does (a frozen server never answers). */
export const READINESS_TIMEOUT_MS = 1_000;

/**
 * Runs the checks stage by stage, each stage's checks at once and each bounded by `timeoutMs`; a
 * stage runs only when every check before it answered `ok` (the others say why they were not asked),
 * so that a probe of a database that does not answer holds one connection, not one per check.
 * Ready when every check answers `ok`.
 */
export function readinessOf(stages: readonly Readonly<Record<string, ReadinessCheck>>[], timeoutMs: number = READINESS_TIMEOUT_MS): () => Promise<ReadinessReport> {
  return async () => {
    const checks: Record<string, string> = {};
    let blocked: string | undefined;
    for (const stage of stages) {
      if (blocked !== undefined) {
        for (const name of Object.keys(stage)) checks[name] = `not checked: ${blocked} is not ok`;
        continue;
      }
      const answers = await Promise.all(Object.entries(stage).map(async ([name, check]) => [name, await bounded(check, timeoutMs)] as const));
      for (const [name, answer] of answers) checks[name] = answer;
      blocked = answers.find(([, answer]) => answer !== 'ok')?.[0];
    }
    return { ready: Object.values(checks).every((answer) => answer === 'ok'), checks };
  };
}

async function bounded(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const answered = check().catch((error: unknown) => (isDatabaseUnavailable(error) ? `unavailable: ${unavailableReason(error)}` : 'failing: unexpected error'));
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** `ping` is one round trip to the database (pingDatabase). */
export function databaseCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return async () => {
    await ping();
    return 'ok';
  };
}
