import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

let made: Promise<string> | undefined;

/**
 * The path of a PGlite data directory archive with every migration applied, for `createDb`'s
 * `template`: a test store then opens in a fraction of a second instead of paying initdb and the
 * migrations each time. One archive per PGlite version, migration (name and code) and UTC day (the day because
 * migrations make the call records' partitions from the current date), kept in the temporary
 * directory and shared by every test process of a run; written under a temporary name and renamed,
 * so that processes making it at once never read half of one.
 */
export function migratedPGliteTemplate(): Promise<string> {
  made ??= makeTemplate();
  return made;
}

async function makeTemplate(): Promise<string> {
  // The version this package pins (PGlite exports no package.json of its own).
  const pins = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { dependencies: Record<string, string> };
  const pgliteVersion = pins.dependencies['@electric-sql/pglite'];
  const key = createHash('sha256')
    // Each migration's code, not only its name: one edited in place before it lands makes a new template.
    .update([pgliteVersion ?? '', new Date().toISOString().slice(0, 10), ...Object.entries(MIGRATIONS).map(([name, migration]) => `${name}\n${migration.up.toString()}`)].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const path = join(tmpdir(), `warden-pglite-template-${key}.tar`);
  if (existsSync(path)) return path;
  const client = new PGlite();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  try {
    await migrateToLatest(db);
    await client.query('CHECKPOINT');
    const archive = await client.dumpDataDir('none');
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, new Uint8Array(await archive.arrayBuffer()));
    renameSync(partial, path);
  } finally {
    await db.destroy();
  }
  return path;
}
