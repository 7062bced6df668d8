import type { StoredEvent } from '@warden/db';
import type { AuditEvent } from './audit-event.js';

/**
 * Encrypted secrets, wrapped keys and token hashes stay in the store but are never handed out, by
 * the audit API or by an account's export: by their names in events and in read-model rows alike.
 */
const SECRET_FIELDS = new Set(['secret', 'wrapped', 'tokenHash', 'token_hash', 'passwordHash', 'previousPasswordHashes', 'seed']);

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_FIELDS.has(key) ? '[encrypted]' : redactSecrets(item)]));
}

export function toAuditEvent(event: StoredEvent): AuditEvent {
  const metadata = event.metadata;
  return {
    kind: 'EVENT',
    position: event.globalPosition,
    type: event.type,
    streamId: event.streamId,
    occurredAt: event.occurredAt,
    actorArn: metadata.actorArn ?? null,
    accessKeyId: metadata.accessKeyId ?? null,
    sessionId: metadata.sessionId ?? null,
    requestId: metadata.requestId ?? null,
    sourceIp: metadata.sourceIp ?? null,
    userAgent: metadata.userAgent ?? null,
    resourceArn: metadata.resourceArn ?? null,
    data: redactSecrets(event.data),
  };
}
