import { parse as pgliteResults, type PGlite, protocol, type QueryOptions } from '@electric-sql/pglite';
import pg from 'pg';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/**
 * Named prepared statements for the few statements on Warden's hottest paths. A statement whose
 * text starts with `/*prepared:NAME*\/` is parsed, analysed and planned once per connection and then
 * only bound and executed: the event append costs more to plan than to run (pgbench figures in
 * docs/performance.md).
 *
 * Only statements with a fixed text may carry the marker: pg refuses a name reused for another text.
 * The embedded driver prepares them too (`preparingPGlite` below).
 */
const MARKER = '/*prepared:';

export function preparedStatement(name: string, text: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`a prepared statement's name must be a plain identifier: ${name}`);
  return `${MARKER}${name}*/ ${text}`;
}

/** The name a statement's text was marked with, or undefined for an ordinary statement. */
function preparedNameOf(text: unknown): string | undefined {
  return typeof text === 'string' && text.startsWith(MARKER) ? text.slice(MARKER.length, text.indexOf('*/')) : undefined;
}

/**
 * Postgres re-plans a prepared statement after DDL on what it reads; only a change of its result
 * columns' types breaks it ("cached plan must not change result type"), which the append's fixed
 * RETURNING casts rule out.
 */
export class PreparingClient extends pg.Client {
  // pg's overloads (text or config, values or callback) are kept as they are for every other query.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one override of all of pg's overloads: each returns its own type (a promise, void, the submittable), so only any is assignable to them all
  override query(...args: unknown[]): any {
    const [first, second, third] = args;
    const name = preparedNameOf(first);
    if (name !== undefined && typeof second !== 'function') {
      const config = { name, text: first as string, values: (second as unknown[] | undefined) ?? [] };
      return typeof third === 'function' ? super.query(config, third as (error: Error, result: pg.QueryResult) => void) : super.query(config);
    }
    return (super.query as (...rest: unknown[]) => unknown)(...args);
  }
}

/** The embedded database as the Kysely dialect uses it: queries, and closing. */
export interface PGliteQueryable {
  query: PGlite['query'];
  close(): Promise<void>;
}

/**
 * The embedded driver's counterpart: PGlite's `query` sends every statement unnamed, so a marked
 * statement would be planned on every call, and the append would cost more than the plpgsql
 * function it replaced (docs/performance.md). This wrapper sends a marked statement through
 * PGlite's public protocol API instead: Parse by name once per session (PGlite is one session),
 * then Bind and Execute by name, as pg does for a named statement; under PGlite's own query lock,
 * with PGlite's serializers and parsers, and with a Sync whatever happens, so an error leaves the
 * session usable. Every other statement goes to `query` unchanged. It assumes it is the only user
 * of the instance's prepared names (createDb makes the instance and hands it to nobody else) and
 * that nothing deallocates them.
 */
export function preparingPGlite(client: PGlite): PGliteQueryable {
  const options = { syncToFs: false };
  const parsed = new Set<string>();
  const parameterTypes = new Map<string, number[]>();
  const queryPrepared = async (name: string, text: string, params: readonly unknown[]) => {
    // PGlite's own query refuses a closed instance; the protocol calls below would spin instead.
    if (client.closed) throw new Error('PGlite is closed');
    return client.runExclusive(async () => {
      const messages: BackendMessage[] = [];
      try {
        if (!parsed.has(name)) {
          await client.execProtocolStream(protocol.serialize.parse({ name, text }), options);
          parsed.add(name);
        }
        let types = parameterTypes.get(name);
        if (types === undefined) {
          types = pgliteResults.parseDescribeStatementResults(await client.execProtocolStream(protocol.serialize.describe({ type: 'S', name }), options));
          parameterTypes.set(name, types);
        }
        const values = params.map((value, index) => {
          if (value === null || value === undefined) return null;
          const serialize = client.serializers[types[index]!];
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a type without a serializer goes as text, exactly as PGlite's own query does (param.toString())
          return serialize ? serialize(value) : String(value);
        });
        messages.push(...(await client.execProtocolStream(protocol.serialize.bind({ statement: name, values }), options)));
        messages.push(...(await client.execProtocolStream(protocol.serialize.describe({ type: 'P' }), options)));
        messages.push(...(await client.execProtocolStream(protocol.serialize.execute({}), options)));
      } finally {
        messages.push(...(await client.execProtocolStream(protocol.serialize.sync(), options)));
      }
      // What PGlite's own query does after each statement (a no-op for a directory or memory store).
      await client.syncToFs();
      return pgliteResults.parseResults(messages, client.parsers)[0]!;
    });
  };
  return {
    query: ((text: string, params?: unknown[], queryOptions?: QueryOptions) => {
      const name = preparedNameOf(text);
      if (name === undefined || queryOptions !== undefined) return client.query(text, params, queryOptions);
      return queryPrepared(name, text, params ?? []);
    }) as PGlite['query'],
    close: () => client.close(),
  };
}
