import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';
import type { SqlTracer } from './sql-tracer.js';

type CompileQuery = Parameters<NonNullable<Driver['savepoint']>>[2];

/**
 * The dialect with every statement told to the tracer: the queries Kysely builds, the prepared ones
 * (the append, the epoch read) and the transaction's BEGIN, COMMIT and ROLLBACK. It wraps the driver,
 * not a Kysely plugin, because only the driver sees the compiled text.
 */
export function tracedDialect(dialect: Dialect, tracer: SqlTracer): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => new TracedDriver(dialect.createDriver(), tracer),
  };
}

/** A connection as the traced driver hands it out, with the driver's own connection inside. */
class TracedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    readonly tracer: SqlTracer,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.tracer.statement(query.sql, () => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** The driver's own connection: what its methods were written for (pg's release is a private method of its connection). */
function innerOf(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof TracedConnection ? connection.inner : connection;
}

class TracedDriver implements Driver {
  constructor(
    readonly driver: Driver,
    readonly tracer: SqlTracer,
  ) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TracedConnection(await this.driver.acquireConnection(), this.tracer);
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.tracer.statement('BEGIN', () => this.driver.beginTransaction(innerOf(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.tracer.statement('COMMIT', () => this.driver.commitTransaction(innerOf(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.tracer.statement('ROLLBACK', () => this.driver.rollbackTransaction(innerOf(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.tracer.statement('SAVEPOINT', () => this.#savepointsOf('savepoint')(innerOf(connection), name, compileQuery));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.tracer.statement('ROLLBACK TO SAVEPOINT', () => this.#savepointsOf('rollbackToSavepoint')(innerOf(connection), name, compileQuery));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: CompileQuery): Promise<void> {
    return this.tracer.statement('RELEASE SAVEPOINT', () => this.#savepointsOf('releaseSavepoint')(innerOf(connection), name, compileQuery));
  }

  /** The driver's own savepoint method, bound to it; a driver without them refuses as Kysely would. */
  #savepointsOf(method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'): (connection: DatabaseConnection, name: string, compileQuery: CompileQuery) => Promise<void> {
    if (!this.driver[method]) throw new Error(`The database driver does not support savepoints (${method}).`);
    return (connection, name, compileQuery) => this.driver[method]!(connection, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}
