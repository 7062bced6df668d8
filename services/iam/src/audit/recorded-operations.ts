import type { Caller, Clock } from '../kernel/command-context.js';
import { type CallScope, newCallScope } from '../kernel/call-scope.js';
import type { CallSink } from './call-recorder.js';
import { type CallEnd, callRecordOf } from './recorded-call.js';

/** What recording the calls needs: where records go, the accounts' read opt-in, and the time. */
export interface CallRecording {
  readonly sink: CallSink;
  readonly readCalls: { recordsReads(caller: Caller): boolean | Promise<boolean> };
  readonly clock: Clock;
}

/**
 * An operations object of IamService (users, roles, sts…) whose every call by an authenticated
 * caller is seen on its way out: the one place every front's call passes (GraphQL's resolvers on
 * the compiled path and in yoga, the Query and JSON protocols' actions all call these objects), so
 * what a call leaves in `api_calls` is decided once (`callRecordOf`). A call opens a `CallScope`,
 * passes it down on a copy of its caller, and `IamCore` fills it in (the permissions asked, a write
 * entered); an operation called with a caller that carries a scope is part of that call. Nothing here waits for the database or throws into the request: the
 * record is handed to the sink, and a read waits for the account's opt-in only off the request's path.
 * `declared.aggregates`: the methods whose successful answers are counted elsewhere (authorize, the
 * simulations), by the IAM action they are; only their failures are recorded, and they open no scope.
 * `declared.names`: the IAM action of a method that asks no permission (AWS's GetSessionToken needs
 * none), for its record; any other call that asked none is named `area.method`.
 */
export function recordedOperations<T extends object>(
  operations: T,
  area: string,
  recording: CallRecording,
  declared: { readonly aggregates?: Readonly<Record<string, string>>; readonly names?: Readonly<Record<string, string>> } = {},
): T {
  // Each wrapper with the method it wraps: a method replaced on the object (a test's spy) is wrapped anew.
  const wrapped = new Map<PropertyKey, { readonly method: unknown; readonly wrapper: unknown }>();
  return new Proxy(operations, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      const kept = wrapped.get(property);
      if (kept?.method === value) return kept.wrapper;
      // A new method (first use, or replaced): wrapped, and kept with it.
      const method = value as (...args: unknown[]) => unknown;
      const key = String(property);
      const name = declared.names?.[key] ?? `${area}.${key}`;
      const aggregate = declared.aggregates?.[key];
      const wrapper =
        aggregate === undefined
          ? (...args: unknown[]): unknown => {
              const caller = args[0];
              if (!isCaller(caller) || caller.callScope !== undefined) return method.apply(target, args);
              const call = { scope: newCallScope(), aggregateOperation: undefined, fallbackOperation: name, startedAt: recording.clock.now() };
              const scoped: Caller = { ...caller, callScope: call.scope };
              return observed(caller, call, recording, () => method.apply(target, [scoped, ...args.slice(1)]));
            }
          : (...args: unknown[]): unknown => {
              const result = method.apply(target, args);
              const caller = args[0];
              // The hot path (authorize): its answer goes back untouched; only a refusal is seen, on a side
              // branch, and timed when it comes (within the same request).
              if (result instanceof Promise && isCaller(caller) && caller.callScope === undefined) {
                result.then(undefined, (error: unknown) =>
                  ended(caller, { scope: undefined, aggregateOperation: aggregate, fallbackOperation: name, startedAt: recording.clock.now() }, recording, { ok: false, error }),
                );
              }
              return result;
            };
      wrapped.set(property, { method: value, wrapper });
      return wrapper;
    },
  });
}

type Call = Parameters<typeof callRecordOf>[1] & { readonly scope: CallScope | undefined };

function observed(caller: Caller, call: Call, recording: CallRecording, run: () => unknown): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    ended(caller, call, recording, { ok: false, error });
    throw error;
  }
  if (!(result instanceof Promise)) {
    ended(caller, call, recording, { ok: true });
    return result;
  }
  return result.then(
    (value: unknown) => {
      ended(caller, call, recording, { ok: true });
      return value;
    },
    (error: unknown) => {
      ended(caller, call, recording, { ok: false, error });
      throw error;
    },
  );
}

function ended(caller: Caller, call: Call, recording: CallRecording, end: CallEnd): void {
  try {
    const record = callRecordOf(caller, call, end);
    if (!record) return;
    if (record.outcome !== 'success') return recording.sink.record(record);
    const recordsReads = recording.readCalls.recordsReads(caller);
    if (recordsReads === true) recording.sink.record(record);
    else if (recordsReads !== false) recording.sink.recordIf(recordsReads, record);
  } catch {
    // Recording is never the request's failure.
  }
}

/** An authenticated caller as authentication builds one (the unsigned operations take request facts instead). */
function isCaller(value: unknown): value is Caller {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Partial<Record<keyof Caller, unknown>>;
  return typeof fields.accountId === 'string' && typeof fields.arn === 'string' && typeof fields.kind === 'string' && typeof fields.requestContext === 'object';
}
