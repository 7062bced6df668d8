import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type PGliteQueryable, preparingPGlite } from './prepared-statements.js';

/** Where an embedded store opens, in process or on its own thread (pglite-on-thread.ts). */
export interface EmbeddedStart {
  /** The data directory's pgdata, or `memory`. */
  readonly directory: string;
  /** A data directory archive (`PGlite.dumpDataDir`) to start from, used only when `fresh`. */
  readonly template?: string | undefined;
  /** Whether the directory holds no database yet (a memory store always starts fresh). */
  readonly fresh: boolean;
}

/** The embedded store as createDb's dialect uses it, wherever it runs. */
export interface EmbeddedDatabase extends PGliteQueryable {
  readonly closed: boolean;
}

/** PGlite opened as `start` says, once it is ready; on the thread that calls it. */
export async function openPGlite(start: EmbeddedStart): Promise<PGlite> {
  const options = start.fresh && start.template ? { loadDataDir: new Blob([readFileSync(start.template)]) } : {};
  const client = start.directory === 'memory' ? new PGlite(options) : new PGlite(start.directory, options);
  await client.waitReady;
  return client;
}

/** The embedded store on the calling thread: every statement through `preparingPGlite`. */
export async function openPGliteInProcess(start: EmbeddedStart): Promise<EmbeddedDatabase> {
  const client = await openPGlite(start);
  const queryable = preparingPGlite(client);
  return {
    query: queryable.query,
    close: () => queryable.close(),
    get closed() {
      return client.closed;
    },
  };
}
