import { compileArnPattern, type ArnMatcher, type ArnTarget } from './arn-pattern.js';
import { compileCondition, type CompiledCondition } from './compile-condition.js';
import type { MatchedStatement, PolicySource } from './evaluation-result.js';
import type { Statement, TemplateValue } from './policy-document.js';
import { literalGlobTokens, resolveGlobTokens } from './policy-variables.js';
import { compileNotPrincipalApplies, compilePrincipalMatcher, type PrincipalMatch, type RequestPrincipal } from './principal-matcher.js';
import type { RequestContext } from './request-context.js';
import { compileGlob, hasWildcard, type StringMatcher, tokenizeWildcards } from './wildcard.js';

/**
 * A statement compiled for evaluation: every pattern is a ready matcher, so evaluating it parses
 * nothing. `services` lists the lower-cased service prefixes its Action names, letting a policy set
 * skip statements about other services; it is `undefined` when any service may match (a wildcard
 * service, or NotAction).
 */
export interface CompiledStatement {
  readonly matched: MatchedStatement;
  readonly effect: 'Allow' | 'Deny';
  readonly source: PolicySource;
  readonly services: readonly string[] | undefined;
  /** The caller lower-cases the action once per request. */
  readonly matchesAction: (lowerAction: string) => boolean;
  readonly matchesResource: (target: ArnTarget, context: RequestContext) => boolean;
  /** For resource-based policies: how the requester matches Principal, or `undefined` if not at all. */
  readonly matchPrincipal: (principal: RequestPrincipal, hasBoundary: boolean) => PrincipalMatch | undefined;
  readonly conditions: readonly CompiledCondition[];
}

export interface StatementOrigin {
  readonly source: PolicySource;
  readonly policyIndex: number;
  readonly policyName: string | undefined;
  readonly policyArn: string | undefined;
}

export function compileStatement(statement: Statement, origin: StatementOrigin): CompiledStatement {
  const matched: MatchedStatement = {
    source: origin.source,
    policyIndex: origin.policyIndex,
    ...(origin.policyName === undefined ? {} : { policyName: origin.policyName }),
    ...(origin.policyArn === undefined ? {} : { policyArn: origin.policyArn }),
    statementIndex: statement.index,
    ...(statement.sid ? { sid: statement.sid } : {}),
    effect: statement.effect,
  };
  return {
    matched,
    effect: statement.effect,
    source: origin.source,
    services: servicesOf(statement),
    matchesAction: compileActionMatcher(statement),
    matchesResource: compileResourceMatcher(statement),
    matchPrincipal: compileStatementPrincipal(statement),
    conditions: statement.conditions.map(compileCondition),
  };
}

function servicesOf(statement: Statement): string[] | undefined {
  if (statement.action.negated) return undefined;
  const services = new Set<string>();
  for (const action of statement.action.values) {
    const colon = action.indexOf(':');
    const service = colon < 0 ? action : action.slice(0, colon);
    if (hasWildcard(tokenizeWildcards(service))) return undefined;
    services.add(service.toLowerCase());
  }
  return [...services];
}

function anyOf(matchers: readonly StringMatcher[]): StringMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return (input) => {
    for (const matcher of matchers) if (matcher(input)) return true;
    return false;
  };
}

/** Actions match case-insensitively ("iam:ListAccessKeys is the same as IAM:listaccesskeys"). */
function compileActionMatcher(statement: Statement): (lowerAction: string) => boolean {
  const { negated, values } = statement.action;
  const exact = new Set<string>();
  const patterns: StringMatcher[] = [];
  for (const value of values) {
    const tokens = tokenizeWildcards(value);
    if (hasWildcard(tokens)) patterns.push(compileGlob(tokens, true));
    else exact.add(value.toLowerCase());
  }
  const any = anyOf(patterns);
  const matches = patterns.length === 0 ? (action: string) => exact.has(action) : (action: string) => exact.has(action) || any(action);
  return negated ? (action) => !matches(action) : matches;
}

/** Resources match case-sensitively, segment by segment (see `arn-pattern.ts`). */
function compileResourceMatcher(statement: Statement): (target: ArnTarget, context: RequestContext) => boolean {
  const resource = statement.resource;
  // A role trust policy has no Resource: it applies to the role it belongs to.
  if (resource === undefined) return () => true;
  const literal: ArnMatcher[] = [];
  const templated: TemplateValue[] = [];
  for (const value of resource.values) {
    if (value.hasVariables) templated.push(value);
    else literal.push(compileArnPattern(literalGlobTokens(value.parts)));
  }
  const matches = (target: ArnTarget, context: RequestContext): boolean => {
    for (const matcher of literal) if (matcher(target)) return true;
    for (const value of templated) {
      // A variable with no value (and no default) "will not match any resource".
      const tokens = resolveGlobTokens(value.parts, (key) => context.single(key));
      if (tokens && compileArnPattern(tokens)(target)) return true;
    }
    return false;
  };
  return resource.negated ? (target, context) => !matches(target, context) : matches;
}

function compileStatementPrincipal(statement: Statement): CompiledStatement['matchPrincipal'] {
  const element = statement.principal;
  // Identity-based policies, boundaries and session policies apply to their own principal.
  if (element === undefined) return () => 'direct';
  if (!element.negated) {
    const matcher = compilePrincipalMatcher(element);
    return (principal) => matcher(principal);
  }
  const applies = compileNotPrincipalApplies(element);
  return (principal, hasBoundary) => (applies(principal, hasBoundary) ? 'direct' : undefined);
}
