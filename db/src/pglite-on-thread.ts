import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Results } from '@electric-sql/pglite';
import { DatabaseUnavailableError } from './database-unavailable.js';
import type { EmbeddedDatabase, EmbeddedStart } from './open-pglite.js';
import type { PGliteQueryable } from './prepared-statements.js';

/**
 * The embedded database on a thread of its own. PGlite runs Postgres in WebAssembly on whichever
 * thread calls it, so in process every statement's planning and execution ran on the server's
 * event loop, between the requests it serves: a write's SQL (most of a write's cost, measured in
 * docs/performance.md) held up every `authorize` queued behind it. Here PGlite lives in a worker
 * thread (pglite-thread.ts) and the event loop only hands each statement over and takes its rows
 * back, as it does with Postgres's sockets. The statements, their order and their results are the
 * same: the thread runs them through `preparingPGlite`, one session, in the order they arrive.
 *
 * What crosses the thread is structured-cloned: parameters and rows (strings, numbers, booleans,
 * bigints, Dates, byte arrays, parsed JSON) arrive equal; an error arrives as an Error with the
 * same message and the same own fields (a DatabaseError's `code`, `detail`, `constraint`…), which
 * is all that callers read of it. If the thread dies, every statement waiting on it and every later
 * one fails with DatabaseUnavailableError.
 */
export type PGliteThreadRequest = { readonly kind: 'query'; readonly id: number; readonly text: string; readonly params: readonly unknown[] } | { readonly kind: 'close' };

export interface TransferableError {
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export type PGliteThreadReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: TransferableError }
  | { readonly kind: 'result'; readonly id: number; readonly rows: Record<string, unknown>[]; readonly affectedRows: number }
  | { readonly kind: 'error'; readonly id: number; readonly error: TransferableError }
  | { readonly kind: 'closed'; readonly error?: TransferableError };

/** The thread's script: beside this module once built; db's own tests run the sources, and use the build's. */
export function threadScript(): URL {
  const beside = new URL('./pglite-thread.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../dist/pglite-thread.js', import.meta.url);
}

function errorOf(transferred: TransferableError): Error {
  return Object.assign(new Error(transferred.message), transferred.fields);
}

interface Waiting {
  readonly resolve: (result: Results) => void;
  readonly reject: (error: Error) => void;
}

export function openPGliteOnThread(start: EmbeddedStart): Promise<EmbeddedDatabase> {
  return embeddedOnWorker(new Worker(threadScript(), { workerData: start }));
}

/** The store served by `worker`, a thread just started on pglite-thread.ts (tests hold the worker to stop it as a crash would). */
export async function embeddedOnWorker(worker: Worker): Promise<EmbeddedDatabase> {
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing: Promise<void> | undefined;
  let onClosed: ((error?: Error) => void) | undefined;

  // The thread keeps the process alive only while a statement waits on it, as an idle pooled
  // connection does not hold a process that has finished its work.
  const settled = () => {
    if (waiting.size === 0) worker.unref();
  };
  const stop = (error: Error) => {
    stopped ??= error;
    for (const entry of waiting.values()) entry.reject(stopped);
    waiting.clear();
    onClosed?.();
  };

  await new Promise<void>((ready, failed) => {
    const onStartError = (error: Error) => failed(error);
    worker.once('error', onStartError);
    worker.once('exit', (code) => failed(new DatabaseUnavailableError(`the embedded database's thread exited (code ${code}) before it was ready`)));
    worker.once('message', (reply: PGliteThreadReply) => {
      worker.off('error', onStartError);
      worker.removeAllListeners('exit');
      if (reply.kind === 'ready') ready();
      else {
        void worker.terminate();
        failed(reply.kind === 'failed' ? errorOf(reply.error) : new Error(`the embedded database's thread answered ${reply.kind} before it was ready`));
      }
    });
  });

  worker.on('message', (reply: PGliteThreadReply) => {
    if (reply.kind === 'closed') {
      onClosed?.(reply.error ? errorOf(reply.error) : undefined);
      return;
    }
    if (reply.kind !== 'result' && reply.kind !== 'error') return;
    const entry = waiting.get(reply.id);
    if (!entry) return;
    waiting.delete(reply.id);
    settled();
    if (reply.kind === 'result') entry.resolve({ rows: reply.rows, fields: [], affectedRows: reply.affectedRows });
    else entry.reject(errorOf(reply.error));
  });
  worker.on('error', (error) => stop(new DatabaseUnavailableError(`the embedded database's thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => stop(new DatabaseUnavailableError(`the embedded database's thread exited (code ${code})`)));
  worker.unref();

  return {
    get closed() {
      return closing !== undefined || stopped !== undefined;
    },
    query: ((text: string, params?: unknown[]) => {
      if (stopped) return Promise.reject(stopped);
      // As PGlite's own query does on a closing instance (the thread refuses too).
      if (closing) return Promise.reject(new Error('PGlite is closed'));
      const id = nextId++;
      return new Promise<Results>((resolve, reject) => {
        try {
          worker.postMessage({ kind: 'query', id, text, params: params ?? [] } satisfies PGliteThreadRequest);
        } catch (error) {
          // A parameter that cannot be cloned (a function, a symbol) fails before anything ran.
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (waiting.size === 0) worker.ref();
        waiting.set(id, { resolve, reject });
      });
    }) as PGliteQueryable['query'],
    close: () => {
      closing ??= (async () => {
        if (stopped) return;
        worker.ref();
        const closed = new Promise<Error | undefined>((done) => (onClosed = done));
        worker.postMessage({ kind: 'close' } satisfies PGliteThreadRequest);
        const error = await closed;
        await worker.terminate();
        if (error) throw error;
      })();
      return closing;
    },
  };
}
