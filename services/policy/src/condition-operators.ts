import type { SetQualifier } from './policy-document.js';

/**
 * The condition operators of the IAM policy language, by family. A negated operator is the exact
 * complement of its positive partner over one context value: `StringNotEquals` with several policy
 * values is true when the context value equals none of them.
 */
export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

export type Comparison = 'equals' | 'equalsIgnoreCase' | 'like' | 'lessThan' | 'lessThanEquals' | 'greaterThan' | 'greaterThanEquals' | 'inRange' | 'isNull';

export interface ConditionOperator {
  readonly name: string;
  readonly family: OperatorFamily;
  readonly comparison: Comparison;
  readonly negated: boolean;
  /** Only the String and ARN operators substitute policy variables in their values. */
  readonly acceptsVariables: boolean;
}

function operator(name: string, family: OperatorFamily, comparison: Comparison, negated = false): ConditionOperator {
  return { name, family, comparison, negated, acceptsVariables: family === 'String' || family === 'Arn' };
}

const OPERATORS: readonly ConditionOperator[] = [
  operator('StringEquals', 'String', 'equals'),
  operator('StringNotEquals', 'String', 'equals', true),
  operator('StringEqualsIgnoreCase', 'String', 'equalsIgnoreCase'),
  operator('StringNotEqualsIgnoreCase', 'String', 'equalsIgnoreCase', true),
  operator('StringLike', 'String', 'like'),
  operator('StringNotLike', 'String', 'like', true),
  operator('NumericEquals', 'Numeric', 'equals'),
  operator('NumericNotEquals', 'Numeric', 'equals', true),
  operator('NumericLessThan', 'Numeric', 'lessThan'),
  operator('NumericLessThanEquals', 'Numeric', 'lessThanEquals'),
  operator('NumericGreaterThan', 'Numeric', 'greaterThan'),
  operator('NumericGreaterThanEquals', 'Numeric', 'greaterThanEquals'),
  operator('DateEquals', 'Date', 'equals'),
  operator('DateNotEquals', 'Date', 'equals', true),
  operator('DateLessThan', 'Date', 'lessThan'),
  operator('DateLessThanEquals', 'Date', 'lessThanEquals'),
  operator('DateGreaterThan', 'Date', 'greaterThan'),
  operator('DateGreaterThanEquals', 'Date', 'greaterThanEquals'),
  operator('Bool', 'Bool', 'equals'),
  operator('BinaryEquals', 'Binary', 'equals'),
  operator('IpAddress', 'IpAddress', 'inRange'),
  operator('NotIpAddress', 'IpAddress', 'inRange', true),
  // ArnEquals and ArnLike behave the same: both accept wildcards in every ARN segment.
  operator('ArnEquals', 'Arn', 'like'),
  operator('ArnLike', 'Arn', 'like'),
  operator('ArnNotEquals', 'Arn', 'like', true),
  operator('ArnNotLike', 'Arn', 'like', true),
  operator('Null', 'Null', 'isNull'),
];

const BY_NAME = new Map(OPERATORS.map((op) => [op.name, op]));

export const CONDITION_OPERATOR_NAMES: readonly string[] = OPERATORS.map((op) => op.name);

export interface ParsedOperatorName {
  readonly operator: ConditionOperator;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
}

export type ParseOperatorResult = ({ readonly ok: true } & ParsedOperatorName) | { readonly ok: false; readonly message: string; readonly suggestion?: string };

const IF_EXISTS = 'IfExists';

/**
 * Reads `[ForAnyValue:|ForAllValues:]Operator[IfExists]`. Operator names are case-sensitive in IAM,
 * so `stringequals` is unknown; the message then names the operator that was probably meant.
 */
export function parseOperatorName(text: string): ParseOperatorResult {
  let rest = text;
  let qualifier: SetQualifier;
  if (rest.startsWith('ForAnyValue:')) {
    qualifier = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (rest.startsWith('ForAllValues:')) {
    qualifier = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  }
  let ifExists = false;
  let found = BY_NAME.get(rest);
  if (!found && rest.endsWith(IF_EXISTS)) {
    found = BY_NAME.get(rest.slice(0, -IF_EXISTS.length));
    ifExists = found !== undefined;
  }
  if (!found) {
    const suggestion = suggestOperator(text);
    return suggestion === undefined
      ? { ok: false, message: `${JSON.stringify(text)} is not a condition operator.` }
      : { ok: false, message: `${JSON.stringify(text)} is not a condition operator; did you mean ${JSON.stringify(suggestion)}?`, suggestion };
  }
  // Null tests presence itself, so "if it exists" has no meaning for it (Access Analyzer: "Null with if exists").
  if (found.family === 'Null' && ifExists) {
    return { ok: false, message: `${JSON.stringify(text)} is not a condition operator: Null takes no IfExists suffix.` };
  }
  return { ok: true, operator: found, qualifier, ifExists };
}

function suggestOperator(text: string): string | undefined {
  const lower = text.toLowerCase();
  for (const prefix of ['', 'ForAnyValue:', 'ForAllValues:']) {
    for (const op of OPERATORS) {
      for (const suffix of ['', IF_EXISTS]) {
        if (op.family === 'Null' && suffix === IF_EXISTS) continue;
        const candidate = `${prefix}${op.name}${suffix}`;
        if (candidate.toLowerCase() === lower) return candidate;
      }
    }
  }
  return undefined;
}
