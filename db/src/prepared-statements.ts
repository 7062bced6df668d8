import { parse as pgliteResults, type PGlite, protocol, type QueryOptions, type Results, types as pgliteTypes } from '@electric-sql/pglite';
import { CompiledQuery } from 'kysely';
import pg from 'pg';

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

/**
 * A statement built with Kysely, sent as the prepared statement `name`: for a hot statement whose
 * builder always compiles to one text (no list whose length varies). A name sent with two texts is
 * refused by both drivers.
 */
export function asPrepared<Row>(name: string, query: CompiledQuery<Row>): CompiledQuery<Row> {
  return CompiledQuery.raw(preparedStatement(name, query.sql), [...query.parameters]);
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
 * The embedded driver's counterpart, and the one way every statement reaches PGlite. PGlite's own
 * `query` sends every statement unnamed, so a marked statement would be planned on every call (the
 * append would cost more than the plpgsql function it replaced, docs/performance.md); it also
 * crosses into WebAssembly six times per statement and copies PGlite's table of 300-odd type
 * parsers into a new object for every result, which costs more than a simple statement's own work.
 * This wrapper sends each statement through PGlite's public protocol API instead, under PGlite's
 * own query lock and with PGlite's serializers and parsers, in two calls at most:
 * - a marked statement is parsed by name once per session (PGlite is one session), then only
 *   bound and executed by name, as pg does for a named statement;
 * - any other statement is parsed unnamed and described (for its parameters' types) in one call;
 * - then Bind, Describe, Execute and Sync go in one call: PGlite runs every message it is handed
 *   before it answers or throws, so a failure stops at the Sync among them and leaves the session
 *   usable (a failed Parse or Describe is followed by a Sync of its own).
 * A statement given query options goes to `query` unchanged. It assumes it is the only user of the
 * instance's prepared names (createDb makes the instance and hands it to nobody else) and that
 * nothing deallocates them.
 */
export function preparingPGlite(client: PGlite): PGliteQueryable {
  const options = { syncToFs: false };
  const parsed = new Map<string, string>();
  const parameterTypes = new Map<string, number[]>();
  /** Parses (by name once, or unnamed every time) and describes the statement: its parameters' types. */
  const typesOf = async (name: string | undefined, text: string): Promise<number[]> => {
    const known = name === undefined ? undefined : parameterTypes.get(name);
    if (known !== undefined) return known;
    try {
      const parse = name === undefined || !parsed.has(name) ? [protocol.serialize.parse({ name: name ?? '', text })] : [];
      const messages = await client.execProtocolStream(concatenated([...parse, protocol.serialize.describe({ type: 'S', name: name ?? '' })]), options);
      const types = pgliteResults.parseDescribeStatementResults(messages);
      if (name !== undefined) {
        parsed.set(name, text);
        parameterTypes.set(name, types);
      }
      return types;
    } catch (error) {
      await client.execProtocolStream(protocol.serialize.sync(), options);
      throw error;
    }
  };
  // Set when this wrapper starts closing the instance: PGlite's own query refuses from then on too.
  let closing = false;
  const refuseClosed = () => {
    // PGlite's own query refuses a closed instance; the protocol calls below would spin instead.
    if (closing || client.closed) throw new Error('PGlite is closed');
  };
  const run = async (name: string | undefined, text: string, params: readonly unknown[]): Promise<Results> => {
    refuseClosed();
    // As PGlite's own query does: the protocol calls below spin on an instance still starting.
    await client.waitReady;
    const known = name === undefined ? undefined : parsed.get(name);
    // pg refuses a name sent with another text; so does this, rather than run the first text.
    if (known !== undefined && known !== text) throw new Error(`the prepared statement ${name} was sent with two texts`);
    return client.runExclusive(async () => {
      // A statement that waited for the lock while the instance began closing is refused too.
      refuseClosed();
      const types = await typesOf(name, text);
      let values: (string | null)[];
      try {
        values = params.map((value, index) => {
          if (value === null || value === undefined) return null;
          const serialize = client.serializers[types[index]!];
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a type without a serializer goes as text, exactly as PGlite's own query does (param.toString())
          return serialize ? serialize(value) : String(value);
        });
      } catch (error) {
        // The statement was parsed and described without a Sync: one ends that exchange.
        await client.execProtocolStream(protocol.serialize.sync(), options);
        throw error;
      }
      const exchange = concatenated([
        protocol.serialize.bind({ statement: name ?? '', values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ]);
      const messages = await client.execProtocolStream(exchange, options);
      // What PGlite's own query does after each statement (a no-op for a directory or memory store).
      await client.syncToFs();
      return resultOf(messages, client.parsers);
    });
  };
  return {
    query: ((text: string, params?: unknown[], queryOptions?: QueryOptions) => {
      if (queryOptions !== undefined) return client.query(text, params, queryOptions);
      return run(preparedNameOf(text), text, params ?? []);
    }) as PGlite['query'],
    close: () => {
      closing = true;
      return client.close();
    },
  };
}

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

/**
 * One statement's result from its messages, as PGlite's own `query` reads it (each value parsed by
 * its type's parser, text where there is none; `affectedRows` from an INSERT's, UPDATE's, DELETE's,
 * COPY's or MERGE's command tag), with PGlite's parsers looked up where they are, not copied.
 */
function resultOf(messages: readonly BackendMessage[], parsers: PGlite['parsers']): Results {
  let fields: { name: string; dataTypeID: number }[] = [];
  const rows: Record<string, unknown>[] = [];
  let affectedRows = 0;
  for (const message of messages) {
    if (message instanceof protocol.messages.RowDescriptionMessage) fields = message.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID }));
    else if (message instanceof protocol.messages.DataRowMessage) {
      const row: Record<string, unknown> = {};
      message.fields.forEach((value, index) => {
        const field = fields[index]!;
        row[field.name] = pgliteTypes.parseType(value, field.dataTypeID, parsers);
      });
      rows.push(row);
    } else if (message instanceof protocol.messages.CommandCompleteMessage) affectedRows = affectedRowsOf(message.text);
  }
  return { rows, fields, affectedRows };
}

function affectedRowsOf(commandTag: string): number {
  const words = commandTag.split(' ');
  if (words[0] === 'INSERT') return Number.parseInt(words[2]!, 10);
  return ['UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(words[0]!) ? Number.parseInt(words[1]!, 10) : 0;
}

/** The messages in one array of its own (PGlite reads a message's whole buffer, so no pooled Buffer slice). */
function concatenated(messages: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(messages.reduce((length, message) => length + message.byteLength, 0));
  let offset = 0;
  for (const message of messages) {
    joined.set(message, offset);
    offset += message.byteLength;
  }
  return joined;
}
