import type { AuditEvent } from '@warden/iam';
import { builder } from '../builder.js';
import { pageSize, toConnection } from './pagination.js';
import { queryErrors } from './result-names.js';

/** An entry of the audit log: one event, with who made it, from where, when. */
export const AuditEventRef = builder.objectRef<AuditEvent>('AuditEvent').implement({
  fields: (t) => ({
    position: t.exposeString('position'),
    type: t.exposeString('type'),
    streamId: t.exposeString('streamId'),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    actorArn: t.string({ nullable: true, resolve: (event) => event.actorArn }),
    accessKeyId: t.string({ nullable: true, resolve: (event) => event.accessKeyId }),
    requestId: t.string({ nullable: true, resolve: (event) => event.requestId }),
    sourceIp: t.string({ nullable: true, resolve: (event) => event.sourceIp }),
    userAgent: t.string({ nullable: true, resolve: (event) => event.userAgent }),
    resourceArn: t.string({ nullable: true, resolve: (event) => event.resourceArn }),
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
      const events = await iam.audit.events(caller, args.filter ?? {}, { first: first + 1, before: args.after ?? null });
      return toConnection(events, first, (event) => event.position);
    },
  }),
);
