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
 * What crosses the thread is structured-cloned: strings, numbers, booleans, bigints, Dates, byte
 * arrays and parsed JSON arrive equal, a Buffer as a plain Uint8Array (PGlite's bytea serializer
 * takes both) and an object of a class as a plain object. An error arrives as an Error with the same
 * message and the same own plain fields (a DatabaseError's `code`, `detail`, `constraint`…), not its
 * class, stack or cause: callers read nothing else of it. If the thread dies, every statement
 * waiting on it and every later one fails with DatabaseUnavailableError.
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

export function openPGliteOnThread(start: EmbeddedStart, onFailure?: (error: Error) => void): Promise<EmbeddedDatabase> {
  return embeddedOnWorker(new Worker(threadScript(), { workerData: start }), onFailure);
}

/**
 * The store served by `worker`, a thread just started on pglite-thread.ts (tests hold the worker to
 * stop it as a crash would). `onFailure` hears of the thread dying other than by `close()`: the
 * store is gone for this process, which cannot reopen the data directory safely while it lives.
 */
export async function embeddedOnWorker(worker: Worker, onFailure?: (error: Error) => void): Promise<EmbeddedDatabase> {
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing: Promise<void> | undefined;
  let closedByThread = false;
  let onClosed: ((error?: Error) => void) | undefined;

  // The thread keeps the process alive only while a statement waits on it, as an idle pooled
  // connection does not hold a process that has finished its work.
  const settled = () => {
    if (waiting.size === 0) worker.unref();
  };
  const stop = (error: Error) => {
    if (stopped) return;
    stopped = error;
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
    // A close that was waiting for the thread's answer learns it never came.
    onClosed?.(error);
    if (!closedByThread) onFailure?.(error);
  };

  await new Promise<void>((ready, failed) => {
    let failure: Error | undefined;
    const onStartError = (error: Error) => (failure ??= error);
    const onStartExit = (code: number) => failed(failure ?? new DatabaseUnavailableError(`the embedded database's thread exited (code ${code}) before it was ready`));
    worker.on('error', onStartError);
    worker.once('exit', onStartExit);
    worker.once('message', (reply: PGliteThreadReply) => {
      if (reply.kind === 'ready') {
        worker.off('error', onStartError);
        worker.off('exit', onStartExit);
        ready();
        return;
      }
      // Told why, it is stopped; the start fails once it has exited (the error listener stays until then).
      failure ??= reply.kind === 'failed' ? errorOf(reply.error) : new Error(`the embedded database's thread answered ${reply.kind} before it was ready`);
      void worker.terminate();
    });
  });

  worker.on('message', (reply: PGliteThreadReply) => {
    if (reply.kind === 'closed') {
      closedByThread = true;
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
  // A reply that cannot be read would leave its statement waiting for ever: the store is failed instead.
  worker.on('messageerror', (error) => {
    stop(new DatabaseUnavailableError(`a reply from the embedded database's thread could not be read: ${error.message}`, { cause: error }));
    void worker.terminate();
  });
  worker.on('error', (error) => stop(new DatabaseUnavailableError(`the embedded database's thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => stop(new DatabaseUnavailableError(`the embedded database's thread exited (code ${code})`)));
  worker.unref();

  return {
    get closed() {
      return closing !== undefined || stopped !== undefined;
    },
    query: ((text: string, params?: unknown[], options?: unknown) => {
      // Only the dialect queries, and without options; PGlite's own options could not be honoured here.
      if (options !== undefined) return Promise.reject(new Error('query options are not supported by the embedded store on its own thread'));
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
        // A store whose thread died was not closed: what it held may not have reached the disk.
        if (stopped) throw stopped;
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
