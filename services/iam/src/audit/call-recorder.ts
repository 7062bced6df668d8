import { isIP } from 'node:net';
import type { Database, NewApiCallRow } from '@warden/db';
import type { Kysely } from 'kysely';
import type { IamObserver } from '../kernel/iam-observer.js';
import type { RecordedCall } from './recorded-call.js';

/** Where the calls to record go; both return at once and never throw. */
export interface CallSink {
  record(call: RecordedCall): void;
  /** Records `call` if `wanted` resolves true (a read, once the account's opt-in is known). */
  recordIf(wanted: Promise<boolean>, call: RecordedCall): void;
}

/** Writes one batch of records in one statement; `insertApiCalls` on the store. */
export type CallWriter = (calls: readonly RecordedCall[]) => Promise<void>;

/**
 * One multi-row insert into `api_calls`, as the store's owner: a batch spans accounts, which the
 * owner may write (an account transaction's `warden_app` is bound to one account by row-level
 * security), as the consumers' checkpoints are written.
 */
export function insertApiCalls(db: Kysely<Database>): CallWriter {
  return async (calls) => {
    await db.insertInto('api_calls').values(calls.map(rowOf)).execute();
  };
}

export interface CallRecorderOptions {
  readonly write: CallWriter;
  readonly observer: IamObserver;
  /** Records waiting at most; beyond it a record is dropped and counted. */
  readonly maxQueued?: number;
  /** Records per insert at most. */
  readonly batchSize?: number;
  /** How long a record waits for a batch to fill, in ms: well under the 2 s in which the audit must show a denial. */
  readonly flushIntervalMs?: number;
}

export const DEFAULT_MAX_QUEUED_CALLS = 10_000;
export const DEFAULT_CALL_BATCH_SIZE = 500;
export const DEFAULT_CALL_FLUSH_INTERVAL_MS = 200;

/** A user agent or message longer than this is cut: a record is evidence, not a store for whatever a client sends. */
const MAX_TEXT = 1_000;

/**
 * Writes the call records off the request's path: `record` queues (bounded), and a flush, when a
 * batch fills or a short interval after the first record waiting, writes the queue's head as one
 * multi-row insert. One insert is in flight at a time, so an overload grows the queue (then drops,
 * counted), never the connections taken. An insert that fails (the database is down) costs its
 * records, counted as dropped, and nothing else: the next flush tries again with the records that
 * came since. `close` writes what is queued.
 */
export class CallRecorder implements CallSink {
  private readonly writeBatch: CallWriter;
  private readonly observer: IamObserver;
  private readonly maxQueued: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private queue: RecordedCall[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** Records waiting for their account's opt-in: counted against the bound, and waited for by `drain`. */
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(options: CallRecorderOptions) {
    this.writeBatch = options.write;
    this.observer = options.observer;
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_CALLS;
    this.batchSize = Math.max(1, Math.min(options.batchSize ?? DEFAULT_CALL_BATCH_SIZE, this.maxQueued));
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_CALL_FLUSH_INTERVAL_MS;
  }

  recordIf(wanted: Promise<boolean>, call: RecordedCall): void {
    if (this.closed || this.queue.length + this.pending.size >= this.maxQueued) {
      this.observer.callRecords('dropped', 1);
      return;
    }
    const decided: Promise<void> = wanted.then(
      (yes) => {
        this.pending.delete(decided);
        if (yes) this.enqueue(call);
      },
      // The opt-in could not be read (the database is down): the read may have been one to record.
      () => {
        this.pending.delete(decided);
        this.observer.callRecords('dropped', 1);
      },
    );
    this.pending.add(decided);
  }

  record(call: RecordedCall): void {
    if (this.closed || this.queue.length + this.pending.size >= this.maxQueued) {
      this.observer.callRecords('dropped', 1);
      return;
    }
    this.enqueue(call);
  }

  private enqueue(call: RecordedCall): void {
    if (this.queue.length >= this.maxQueued) {
      this.observer.callRecords('dropped', 1);
      return;
    }
    this.queue.push(call);
    if (this.inFlight) return;
    if (this.queue.length >= this.batchSize) this.startFlush();
    else this.timer ??= setTimeout(() => this.startFlush(), this.flushIntervalMs).unref();
  }

  /** How many records wait to be written. */
  get queued(): number {
    return this.queue.length;
  }

  /** Writes everything queued, batch by batch; the recorder takes no more records afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Writes everything queued now (tests, and `close`). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    while (this.inFlight || this.queue.length > 0) {
      if (!this.inFlight) this.startFlush();
      await this.inFlight;
    }
  }

  private startFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.batchSize);
    this.inFlight = this.write(batch).finally(() => {
      this.inFlight = undefined;
      // What came meanwhile: a full batch goes now, a partial one after the interval.
      if (this.queue.length >= this.batchSize || (this.closed && this.queue.length > 0)) this.startFlush();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.startFlush(), this.flushIntervalMs).unref();
    });
  }

  private async write(batch: readonly RecordedCall[]): Promise<void> {
    try {
      await this.writeBatch(batch);
      this.observer.callRecords('written', batch.length);
    } catch {
      this.observer.callRecords('dropped', batch.length);
    }
  }
}

export function rowOf(call: RecordedCall): NewApiCallRow {
  return {
    account_id: call.accountId,
    occurred_at: call.occurredAt,
    request_id: call.requestId,
    operation: call.operation,
    read_only: call.readOnly,
    outcome: call.outcome,
    error_code: call.errorCode,
    error_message: cut(call.errorMessage),
    decision: call.decision === null ? null : JSON.stringify(call.decision),
    caller_arn: call.callerArn,
    principal_arn: call.principalArn,
    access_key_id: call.accessKeyId,
    session_id: call.sessionId,
    source_identity: call.sourceIdentity,
    // inet refuses what is not an address, and one refused row would cost the whole batch.
    source_ip: call.sourceIp !== null && isIP(call.sourceIp) !== 0 ? call.sourceIp : null,
    user_agent: cut(call.userAgent),
    resource_arns: [...call.resourceArns],
  };
}

function cut(text: string | null): string | null {
  return text !== null && text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}
