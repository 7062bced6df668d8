/** An entry of the audit log: one event, with who made it, from where, when. */
export interface AuditEvent {
  readonly kind: 'EVENT';
  /** The event's global position in the log, as a decimal string (an int8): newer events have greater positions. */
  readonly position: string;
  /** The event's type, past tense: `UserCreated`, `PolicyAttachedToUser`… */
  readonly type: string;
  /** The stream the event belongs to: `user/AIDA…`, `account/123456789012`… */
  readonly streamId: string;
  readonly occurredAt: Date;
  readonly actorArn: string | null;
  readonly accessKeyId: string | null;
  readonly sessionId: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  /** The resource the command acted on. */
  readonly resourceArn: string | null;
  /** The event's data, its secrets redacted. */
  readonly data: unknown;
}
