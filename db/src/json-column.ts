/**
 * A json value as the driver hands it back: node-postgres parses json and jsonb, PGlite's dialect
 * may give the text. One rule for every statement that returns json built in SQL.
 */
export function jsonColumn<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}
