import type { Attributes } from '@opentelemetry/api';

/** The `prepared:NAME` comment that leads a statement sent prepared (db's prepared-statements.ts): its name is the span's. */
const PREPARED = /^\/\*prepared:([\w-]+)\*\//;
const FIRST_KEYWORD = /^\s*(?:\/\*.*?\*\/\s*)*([A-Za-z]+)/s;

/**
 * A statement's span: named by its prepared name or its first keyword (SELECT, INSERT, BEGIN…),
 * with its text, which holds placeholders and never the parameters' values.
 */
export function sqlSpanOf(text: string): { readonly name: string; readonly attributes: Attributes } {
  const prepared = PREPARED.exec(text)?.[1];
  const keyword = FIRST_KEYWORD.exec(text)?.[1]?.toUpperCase();
  const attributes: Attributes = { 'db.system.name': 'postgresql', 'db.query.text': text };
  if (keyword) attributes['db.operation.name'] = keyword;
  return { name: prepared ?? keyword ?? 'SQL', attributes };
}
