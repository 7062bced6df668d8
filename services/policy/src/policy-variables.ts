import { ANY_CHARACTER, ANY_SEQUENCE, type GlobToken, tokenizeWildcards } from './wildcard.js';

/**
 * Policy variables, `${aws:username}`, resolved from the request context when a statement is
 * evaluated. Only documents with `"Version": "2012-10-17"` have them; under `2008-10-17` or with no
 * Version the text is literal. `${*}`, `${?}` and `${$}` stand for the literal characters, and
 * `${key, 'default'}` gives a value for when the key is absent from the request.
 */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'escape'; readonly char: '*' | '?' | '$' }
  | { readonly kind: 'variable'; readonly key: string; readonly name: string; readonly defaultValue?: string };

export type ParseTemplateResult = { readonly ok: true; readonly parts: readonly TemplatePart[]; readonly hasVariables: boolean } | { readonly ok: false; readonly message: string };

const VARIABLE_BODY = /^\s*([^,'\s{}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

export function parseTemplate(text: string): ParseTemplateResult {
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('${', index);
    if (open < 0) break;
    const close = text.indexOf('}', open + 2);
    if (close < 0) return { ok: false, message: `the policy variable starting at character ${open + 1} is not closed with '}'` };
    literal += text.slice(index, open);
    const body = text.slice(open + 2, close);
    index = close + 1;
    if (body === '*' || body === '?' || body === '$') {
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'escape', char: body });
      continue;
    }
    const match = VARIABLE_BODY.exec(body);
    if (!match) return { ok: false, message: `\${${body}} is not a valid policy variable; write \${key} or \${key, 'default'}` };
    if (literal) parts.push({ kind: 'text', text: literal });
    literal = '';
    const name = match[1]!;
    const defaultValue = match[2];
    hasVariables = true;
    parts.push(defaultValue === undefined ? { kind: 'variable', key: name.toLowerCase(), name } : { kind: 'variable', key: name.toLowerCase(), name, defaultValue });
  }
  literal += text.slice(index);
  if (literal) parts.push({ kind: 'text', text: literal });
  return { ok: true, parts, hasVariables };
}

/** Looks a lower-cased context key up; `undefined` when absent or multivalued. */
export type VariableLookup = (key: string) => string | undefined;

/**
 * The glob tokens of a template, or `undefined` when a variable has neither a value nor a default
 * (AWS then treats the element as not matching).
 */
export function resolveGlobTokens(parts: readonly TemplatePart[], lookup: VariableLookup): GlobToken[] | undefined {
  const tokens: GlobToken[] = [];
  for (const part of parts) {
    if (part.kind === 'text') tokens.push(...tokenizeWildcards(part.text));
    else if (part.kind === 'escape') tokens.push(part.char);
    else {
      const value = lookup(part.key) ?? part.defaultValue;
      if (value === undefined) return undefined;
      tokens.push(value);
    }
  }
  return tokens;
}

/** The plain text of a template, for operators without wildcards; `undefined` as above. */
export function resolveText(parts: readonly TemplatePart[], lookup: VariableLookup): string | undefined {
  let text = '';
  for (const part of parts) {
    if (part.kind === 'text') text += part.text;
    else if (part.kind === 'escape') text += part.char;
    else {
      const value = lookup(part.key) ?? part.defaultValue;
      if (value === undefined) return undefined;
      text += value;
    }
  }
  return text;
}

/** Glob tokens of a string with no variables: every `*` and `?` is a wildcard. */
export function literalGlobTokens(parts: readonly TemplatePart[]): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (const part of parts) {
    if (part.kind === 'text') tokens.push(...tokenizeWildcards(part.text));
    else if (part.kind === 'escape') tokens.push(part.char);
  }
  return tokens;
}

export { ANY_CHARACTER, ANY_SEQUENCE };
