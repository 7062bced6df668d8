import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createDb, type WardenDb } from '@warden/db';
import { migratedPGliteTemplate } from '@warden/db/testing';
import { type JobHandler, JOBS, type JobName, NO_JOB_OBSERVER, observedHandlers } from '@warden/workers';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config-error.js';
import { sqlSpanOf } from './sql-span.js';
import { tracingConfigOf } from './tracing-config.js';
import { WardenTracing } from './warden-tracing.js';

describe('WardenTracing: job runs and their statements', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = new WardenTracing(exporter);
  let store: WardenDb;
  beforeAll(async () => {
    store = await createDb({ dataDir: 'memory', template: await migratedPGliteTemplate(), sqlTracer: tracing.sqlTracer });
  });
  afterAll(async () => {
    await store.close();
    await tracing.shutdown();
  });

  async function finished(): Promise<ReadableSpan[]> {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  }

  it('makes a span of each job run, whichever handler, with the statements it sends as its children', async () => {
    exporter.reset();
    const handler: JobHandler = async () => {
      await sql`select ${'a parameter value'}::text as echoed`.execute(store.db);
      await store.db.transaction().execute((trx) => sql`select 1`.execute(trx));
      return 'done';
    };
    const handlers = Object.fromEntries(Object.values(JOBS).map((job: JobName) => [job, handler])) as Record<JobName, JobHandler>;
    const traced = observedHandlers(handlers, NO_JOB_OBSERVER, tracing.jobTracer);
    expect(await traced[JOBS.sweepExpiredSessions](undefined)).toBe('done');
    const spans = await finished();
    const job = spans.find((span) => span.name === `job ${JOBS.sweepExpiredSessions}`);
    expect(job?.attributes['warden.job.name']).toBe(JOBS.sweepExpiredSessions);
    const statements = spans.filter((span) => span.parentSpanContext?.spanId === job!.spanContext().spanId);
    expect(statements.map((span) => span.name)).toEqual(['SELECT', 'BEGIN', 'SELECT', 'COMMIT']);
    expect(statements.every((span) => span.spanContext().traceId === job!.spanContext().traceId)).toBe(true);
    expect(statements[0]!.attributes['db.query.text']).toBe('select $1::text as echoed');
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain('a parameter value');
  });

  it('marks a failed job run and a failed statement as errors, with the SQLSTATE and not the message', async () => {
    exporter.reset();
    const failing: JobHandler = async () => {
      await sql`select 1 / ${0}::int`.execute(store.db);
      return 'unreachable';
    };
    const handlers = Object.fromEntries(Object.values(JOBS).map((job: JobName) => [job, failing])) as Record<JobName, JobHandler>;
    await expect(observedHandlers(handlers, NO_JOB_OBSERVER, tracing.jobTracer)[JOBS.rotateKeyring](undefined)).rejects.toThrow(/division by zero/);
    const spans = await finished();
    const statement = spans.find((span) => span.name === 'SELECT')!;
    expect(statement.status.code).toBe(2);
    expect(statement.attributes['db.response.status_code']).toBe('22012');
    expect(spans.find((span) => span.name === `job ${JOBS.rotateKeyring}`)!.status.code).toBe(2);
    expect(JSON.stringify(spans.map((span) => [span.attributes, span.status, span.events]))).not.toContain('division by zero');
  });
});

describe('the span of a statement', () => {
  it('is named by its prepared name or its first keyword, and carries its text', () => {
    expect(sqlSpanOf('/*prepared:account_epoch*/ select epoch from accounts where account_id = $1')).toMatchObject({ name: 'account_epoch', attributes: { 'db.operation.name': 'SELECT' } });
    expect(sqlSpanOf('  insert into users values ($1)').name).toBe('INSERT');
    expect(sqlSpanOf('/* a comment */ update x set y = $1').name).toBe('UPDATE');
    expect(sqlSpanOf('').name).toBe('SQL');
  });
});

describe('tracing settings', () => {
  it('is off without an OTLP endpoint, or when OTEL_SDK_DISABLED says so', () => {
    expect(tracingConfigOf({})).toBeUndefined();
    expect(tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('posts to /v1/traces under the endpoint, or to the traces endpoint as given, in protobuf unless told JSON', () => {
    expect(tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ tracesUrl: 'http://collector:4318/v1/traces', protocol: 'http/protobuf' });
    expect(tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({
      tracesUrl: 'https://b/traces',
      protocol: 'http/json',
    });
  });

  it('refuses gRPC and an endpoint that is not an http URL', () => {
    expect(() => tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(ConfigError);
    expect(() => tracingConfigOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(ConfigError);
  });
});
