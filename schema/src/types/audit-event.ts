import type { StoredEvent } from '@warden/db';
import { builder } from '../builder.js';
import { pageSize } from './pagination.js';
import { queryErrors } from './result-names.js';

/** An entry of the audit log: one event, with who made it, from where, when. */
const AuditEventRef = builder.objectRef<StoredEvent>('AuditEvent').implement({
  fields: (t) => ({
    position: t.exposeString('globalPosition'),
    type: t.exposeString('type'),
    streamId: t.exposeString('streamId'),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    actorArn: t.string({ nullable: true, resolve: (event) => event.metadata.actorArn ?? null }),
    accessKeyId: t.string({ nullable: true, resolve: (event) => event.metadata.accessKeyId ?? null }),
    requestId: t.string({ nullable: true, resolve: (event) => event.metadata.requestId ?? null }),
    sourceIp: t.string({ nullable: true, resolve: (event) => event.metadata.sourceIp ?? null }),
    userAgent: t.string({ nullable: true, resolve: (event) => event.metadata.userAgent ?? null }),
    resourceArn: t.string({ nullable: true, resolve: (event) => event.metadata.resourceArn ?? null }),
    data: t.field({ type: 'JSON', resolve: (event) => event.data }),
  }),
});

const AuditFilterInput = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    actor: t.string({ required: false }),
    eventTypes: t.stringList({ required: false }),
    resourceArn: t.string({ required: false }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.connection({
    type: AuditEventRef,
    description: "The caller's account's events, newest first.",
    errors: queryErrors('auditEvents'),
    args: { filter: t.arg({ type: AuditFilterInput, required: false }) },
    resolve: async (_r, args, { iam, caller }) => {
      const first = pageSize(args);
      const rows = await iam.audit.events(caller, args.filter ?? {}, { first: first + 1, before: args.after ?? null });
      const page = rows.slice(0, first);
      return {
        edges: page.map((node) => ({ cursor: node.globalPosition, node })),
        pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: false, startCursor: page[0]?.globalPosition ?? null, endCursor: page[page.length - 1]?.globalPosition ?? null },
      };
    },
  }),
);
