import type { TemplatePart } from './policy-variables.js';
import type { ConditionOperator } from './condition-operators.js';

/**
 * A policy document after parsing: every element normalised to one shape (single values to lists,
 * `Statement` to an array, condition values to strings), with the template of every string that
 * may hold policy variables. Only a document without error findings is ever built.
 */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

export type Effect = 'Allow' | 'Deny';

export interface PolicyDocument {
  /** `undefined` when the document has no Version element (then variables are literal text). */
  readonly version: PolicyVersion | undefined;
  readonly id: string | undefined;
  readonly statements: readonly Statement[];
}

export interface Statement {
  /** Position in the document's Statement array (0 when Statement is a single object). */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  /** The Principal or NotPrincipal element; `undefined` when the statement has neither. */
  readonly principal: PrincipalElement | undefined;
  readonly action: ListElement;
  /** `undefined` when the statement has neither Resource nor NotResource (role trust policies). */
  readonly resource: TemplateListElement | undefined;
  readonly conditions: readonly ConditionClause[];
}

export interface ListElement {
  readonly negated: boolean;
  readonly values: readonly string[];
}

export interface TemplateListElement {
  readonly negated: boolean;
  readonly values: readonly TemplateValue[];
}

export interface TemplateValue {
  readonly text: string;
  readonly parts: readonly TemplatePart[];
  readonly hasVariables: boolean;
}

export interface PrincipalElement {
  /** True for NotPrincipal. */
  readonly negated: boolean;
  /** `"Principal": "*"` or `{"AWS": "*"}`: everyone, anonymous callers included. */
  readonly everyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues' | undefined;

export interface ConditionClause {
  /** The operator exactly as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operatorText: string;
  readonly operator: ConditionOperator;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
  /** The condition key as written; matching uses it lower-cased (key names are case-insensitive). */
  readonly key: string;
  readonly values: readonly TemplateValue[];
  readonly path: string;
}
