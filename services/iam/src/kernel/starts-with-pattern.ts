/** A SQL LIKE pattern matching the values that start with `prefix` (a path prefix's `%` and `_` are characters, not wildcards). */
export function startsWithPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, '\\$&')}%`;
}
