/**
 * Told of every SQL statement the store sends, around it: api's tracing makes a span of each. db
 * imports no tracing library; without a tracer the driver is not wrapped at all, so an untraced
 * store pays nothing.
 */
export interface SqlTracer {
  /**
   * Runs one statement. `text` is the statement as sent, with placeholders for its parameters; the
   * parameters themselves are never passed here, since they carry names, hashes and encrypted secrets.
   */
  statement<R>(text: string, run: () => Promise<R>): Promise<R>;
}
