import { compileArnPattern, toArnTarget } from './arn-pattern.js';
import type { Comparison } from './condition-operators.js';
import { parseBinary, parseBool, parseDate, parseNumber } from './condition-values.js';
import { cidrContains, parseCidr, parseIpAddress } from './ip-address.js';
import type { ConditionClause, TemplateValue } from './policy-document.js';
import { literalGlobTokens, resolveGlobTokens, resolveText, type VariableLookup } from './policy-variables.js';
import type { RequestContext } from './request-context.js';
import { compileGlob, type StringMatcher } from './wildcard.js';

/**
 * A condition clause compiled to a predicate over the request context. The rules, from AWS's
 * condition documentation:
 * - the values listed for one key are ORed; for a negated operator (StringNotEquals…) NORed;
 * - a key absent from the request makes a positive operator false and a negated one true;
 *   `…IfExists` makes the clause true when the key is absent;
 * - `ForAllValues:` is true when every request value matches (so also when the key is absent or
 *   empty); `ForAnyValue:` when at least one does (so false when absent or empty); with a negated
 *   operator each request value is tested as "matches none of the policy values";
 * - an operator without a set qualifier on a multivalued key is true when any value matches (a
 *   negated one when none does); validation reports such a policy.
 * An empty list is treated as an absent key.
 */
export type CompiledCondition = (context: RequestContext) => boolean;

/** Whether one request value matches any of the policy values (the positive sense). */
type ValueMatcher = (value: string, context: RequestContext) => boolean;

export function compileCondition(clause: ConditionClause): CompiledCondition {
  const key = clause.key.toLowerCase();
  const { operator, qualifier, ifExists } = clause;
  if (operator.family === 'Null') return compileNull(key, clause);
  const negated = operator.negated;
  const matchesAny = compileValueMatcher(clause);
  return (context) => {
    const value = context.get(key);
    if (value === undefined || (typeof value !== 'string' && value.length === 0)) {
      if (ifExists || qualifier === 'ForAllValues') return true;
      if (qualifier === 'ForAnyValue') return false;
      return negated;
    }
    if (typeof value === 'string') return matchesAny(value, context) !== negated;
    if (qualifier === 'ForAllValues') {
      for (const item of value) if (matchesAny(item, context) === negated) return false;
      return true;
    }
    if (qualifier === 'ForAnyValue') {
      for (const item of value) if (matchesAny(item, context) !== negated) return true;
      return false;
    }
    for (const item of value) if (matchesAny(item, context)) return !negated;
    return negated;
  };
}

/**
 * `Null: true` holds when the key is absent, `false` when present. AWS documents the qualified
 * forms as constant: ForAllValues:Null is always true and ForAnyValue:Null always false.
 */
function compileNull(key: string, clause: ConditionClause): CompiledCondition {
  if (clause.qualifier === 'ForAllValues') return () => true;
  if (clause.qualifier === 'ForAnyValue') return () => false;
  const expectations = clause.values.map((value) => parseBool(value.text)!);
  return (context) => {
    const value = context.get(key);
    const absent = value === undefined || (typeof value !== 'string' && value.length === 0);
    return expectations.some((expectAbsent) => expectAbsent === absent);
  };
}

function lookupIn(context: RequestContext): VariableLookup {
  return (key) => context.single(key);
}

function compileValueMatcher(clause: ConditionClause): ValueMatcher {
  const { operator, values } = clause;
  switch (operator.family) {
    case 'String':
      return compileStringMatcher(operator.comparison, values);
    case 'Arn':
      return compileArnMatcher(values);
    case 'Numeric': {
      const numbers = values.map((value) => parseNumber(value.text)!);
      const compare = comparator(operator.comparison);
      return (value) => {
        const number = parseNumber(value);
        return number !== undefined && numbers.some((policyNumber) => compare(number, policyNumber));
      };
    }
    case 'Date': {
      const dates = values.map((value) => parseDate(value.text)!);
      const compare = comparator(operator.comparison);
      return (value) => {
        const date = parseDate(value);
        return date !== undefined && dates.some((policyDate) => compare(date, policyDate));
      };
    }
    case 'Bool': {
      const expected = values.map((value) => parseBool(value.text)!);
      return (value) => {
        const actual = parseBool(value);
        return actual !== undefined && expected.includes(actual);
      };
    }
    case 'Binary': {
      const expected = values.map((value) => parseBinary(value.text)!);
      return (value) => {
        const actual = parseBinary(value);
        return actual !== undefined && expected.includes(actual);
      };
    }
    case 'IpAddress': {
      // Validation refuses a value that is no CIDR block; one reaching here unchecked matches nothing.
      const blocks = values.map((value) => parseCidr(value.text)).filter((block) => block !== undefined);
      return (value) => {
        const address = parseIpAddress(value);
        return address !== undefined && blocks.some((block) => cidrContains(block, address));
      };
    }
    case 'Null':
      throw new Error('Null is compiled by compileNull');
  }
}

function comparator(comparison: Comparison): (actual: number, policy: number) => boolean {
  switch (comparison) {
    case 'equals':
      return (actual, policy) => actual === policy;
    case 'lessThan':
      return (actual, policy) => actual < policy;
    case 'lessThanEquals':
      return (actual, policy) => actual <= policy;
    case 'greaterThan':
      return (actual, policy) => actual > policy;
    case 'greaterThanEquals':
      return (actual, policy) => actual >= policy;
    default:
      throw new Error(`${comparison} does not compare numbers`);
  }
}

function compileStringMatcher(comparison: Comparison, values: readonly TemplateValue[]): ValueMatcher {
  const literal = values.filter((value) => !value.hasVariables);
  const templated = values.filter((value) => value.hasVariables);
  // A value whose variable has no value in the request (and no default) matches nothing.
  switch (comparison) {
    case 'equals': {
      const texts = new Set(literal.map((value) => resolveText(value.parts, () => undefined)!));
      return (value, context) => {
        if (texts.has(value)) return true;
        for (const template of templated) if (resolveText(template.parts, lookupIn(context)) === value) return true;
        return false;
      };
    }
    case 'equalsIgnoreCase': {
      const texts = new Set(literal.map((value) => resolveText(value.parts, () => undefined)!.toLowerCase()));
      return (value, context) => {
        const lower = value.toLowerCase();
        if (texts.has(lower)) return true;
        for (const template of templated) if (resolveText(template.parts, lookupIn(context))?.toLowerCase() === lower) return true;
        return false;
      };
    }
    case 'like': {
      const matchers: StringMatcher[] = literal.map((value) => compileGlob(literalGlobTokens(value.parts)));
      return (value, context) => {
        for (const matcher of matchers) if (matcher(value)) return true;
        for (const template of templated) {
          const tokens = resolveGlobTokens(template.parts, lookupIn(context));
          if (tokens && compileGlob(tokens)(value)) return true;
        }
        return false;
      };
    }
    default:
      throw new Error(`${comparison} does not compare strings`);
  }
}

function compileArnMatcher(values: readonly TemplateValue[]): ValueMatcher {
  const literal = values.filter((value) => !value.hasVariables).map((value) => compileArnPattern(literalGlobTokens(value.parts)));
  const templated = values.filter((value) => value.hasVariables);
  return (value, context) => {
    const target = toArnTarget(value);
    for (const matcher of literal) if (matcher(target)) return true;
    for (const template of templated) {
      const tokens = resolveGlobTokens(template.parts, lookupIn(context));
      if (tokens && compileArnPattern(tokens)(target)) return true;
    }
    return false;
  };
}
