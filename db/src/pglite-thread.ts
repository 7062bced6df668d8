import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { type EmbeddedStart, openPGlite } from './open-pglite.js';
import type { PGliteThreadReply, PGliteThreadRequest, TransferableError } from './pglite-on-thread.js';
import { preparingPGlite } from './prepared-statements.js';

/**
 * The embedded database's own thread (see pglite-on-thread.ts): it opens PGlite as told, then runs
 * each statement it is sent through `preparingPGlite`, one reply per request, and closes PGlite
 * when asked. Nothing else runs here.
 */
const start = workerData as EmbeddedStart;
const port = parentPort!;

/** An error as it can cross the thread: its message and its own fields (a DatabaseError's code, detail, constraint…). */
function transferable(error: unknown): TransferableError {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields: Record<string, unknown> = { name: error.name };
  for (const [key, value] of Object.entries(error)) if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) fields[key] = value;
  return { message: error.message, fields };
}

async function main(): Promise<void> {
  let client: PGlite;
  try {
    client = await openPGlite(start);
  } catch (error) {
    port.postMessage({ kind: 'failed', error: transferable(error) } satisfies PGliteThreadReply);
    return;
  }
  const queryable = preparingPGlite(client);
  port.on('message', (request: PGliteThreadRequest) => {
    if (request.kind === 'close') {
      queryable.close().then(
        () => port.postMessage({ kind: 'closed' } satisfies PGliteThreadReply),
        (error: unknown) => port.postMessage({ kind: 'closed', error: transferable(error) } satisfies PGliteThreadReply),
      );
      return;
    }
    queryable.query<Record<string, unknown>>(request.text, [...request.params]).then(
      (result) => port.postMessage({ kind: 'result', id: request.id, rows: result.rows, affectedRows: result.affectedRows ?? 0 } satisfies PGliteThreadReply),
      (error: unknown) => port.postMessage({ kind: 'error', id: request.id, error: transferable(error) } satisfies PGliteThreadReply),
    );
  });
  port.postMessage({ kind: 'ready' } satisfies PGliteThreadReply);
}

await main();
