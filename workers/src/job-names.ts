/** The jobs Warden runs in the background; jobs carry ids, never secrets. */
export const JOBS = {
  /** A session reached its expiry: append SessionExpired (idempotent). Data: { accountId, sessionId }. */
  expireSession: 'expire-session',
  /** Periodic safety net: expire every session past its expiry that a lost job missed; then forget the used web identity tokens past their exp and skew. */
  sweepExpiredSessions: 'sweep-expired-sessions',
  /** Periodic: make a new data key when the active one is older than the rotation period, then re-encrypt stored secrets under it. */
  rotateKeyring: 'rotate-keyring',
  /** Periodic: ANALYZE the store when no autovacuum keeps the planner's statistics (the embedded PGlite). */
  refreshPlannerStatistics: 'refresh-planner-statistics',
  /** Periodic: deactivate users' access keys older than their account's maxAccessKeyAgeDays. */
  deactivateStaleAccessKeys: 'deactivate-stale-access-keys',
  /** Periodic (daily, and at start): make the call records' partitions of the week ahead, drop those past the retention. */
  upkeepApiCallPartitions: 'upkeep-api-call-partitions',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

export interface ExpireSessionData {
  readonly accountId: string;
  readonly sessionId: string;
}
