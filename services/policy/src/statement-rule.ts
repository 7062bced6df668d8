import { compileArnPattern, type ArnMatcher, type ArnTarget } from './arn-pattern.js';
import { compileCondition, type CompiledCondition } from './compile-condition.js';
import type { ListElement, Statement, TemplateListElement, TemplateValue } from './policy-document.js';
import { literalGlobTokens, resolveGlobTokens } from './policy-variables.js';
import { compileNotPrincipalApplies, compilePrincipalMatcher, type PrincipalMatch, type RequestPrincipal } from './principal-matcher.js';
import type { RequestContext } from './request-context.js';
import { compileGlob, type StringMatcher, tokenizeWildcards } from './wildcard.js';

type ActionMatcher = (lowerAction: string) => boolean;
type ResourceMatcher = (target: ArnTarget, context: RequestContext) => boolean;
type PrincipalMatcher = (principal: RequestPrincipal, hasBoundary: boolean) => PrincipalMatch | undefined;

/**
 * The matchers of one statement, each built the first time evaluation needs it. A policy set asks
 * a statement about its actions only for requests of its services, about its resource only when
 * an action matched, and about its conditions only when both did; so a cold compile builds no
 * matcher, and a matcher nobody asks for is never built.
 */
export class StatementRule {
  private actionMatcher: ActionMatcher | undefined;
  private resourceMatcher: ResourceMatcher | undefined;
  private principalMatcher: PrincipalMatcher | undefined;
  private conditions: readonly CompiledCondition[] | undefined;

  constructor(readonly statement: Statement) {}

  /** The caller lower-cases the action once per request. */
  matchesAction(lowerAction: string): boolean {
    return (this.actionMatcher ??= compileActionMatcher(this.statement.action))(lowerAction);
  }

  /** Resources match case-sensitively, segment by segment (see `arn-pattern.ts`). */
  matchesResource(target: ArnTarget, context: RequestContext): boolean {
    return (this.resourceMatcher ??= compileResourceMatcher(this.statement.resource))(target, context);
  }

  /** For resource-based policies: how the requester matches Principal, or `undefined` if not at all. */
  matchPrincipal(principal: RequestPrincipal, hasBoundary: boolean): PrincipalMatch | undefined {
    return (this.principalMatcher ??= compileStatementPrincipal(this.statement))(principal, hasBoundary);
  }

  /** Every condition holds (a statement without conditions: always). */
  conditionsHold(context: RequestContext): boolean {
    const conditions = (this.conditions ??= this.statement.conditions.map(compileCondition));
    for (const condition of conditions) if (!condition(context)) return false;
    return true;
  }
}

/** Patterns kept per table before it starts again (a bound on memory, not a working-set size). */
const MAX_SHARED_PATTERNS = 20_000;
const actionPatterns = new Map<string, StringMatcher>();
const resourcePatterns = new Map<string, ArnMatcher>();

/**
 * The matcher of a pattern's text, built once and shared by every statement that names it: a
 * matcher is a pure function of its pattern, and a new version of a policy mostly repeats the old
 * one's patterns, so the first request after a change does not build them again.
 */
function sharedPattern<Matcher>(patterns: Map<string, Matcher>, text: string, build: () => Matcher): Matcher {
  let matcher = patterns.get(text);
  if (matcher === undefined) {
    if (patterns.size >= MAX_SHARED_PATTERNS) patterns.clear();
    patterns.set(text, (matcher = build()));
  }
  return matcher;
}

/**
 * Actions match case-insensitively ("iam:ListAccessKeys is the same as IAM:listaccesskeys"). A name
 * without a wildcard is a plain comparison with the lower-cased name; only names with `*` or `?`
 * become wildcard matchers.
 */
export function compileActionMatcher(element: ListElement): ActionMatcher {
  const { negated, values } = element;
  let matches: ActionMatcher;
  if (values.length === 1 && !values[0]!.includes('*') && !values[0]!.includes('?')) {
    const only = values[0]!.toLowerCase();
    matches = (action) => action === only;
  } else if (values.includes('*')) {
    matches = () => true;
  } else {
    const exact = new Set<string>();
    const patterns: StringMatcher[] = [];
    for (const value of values) {
      if (value.includes('*') || value.includes('?')) patterns.push(sharedPattern(actionPatterns, value, () => compileGlob(tokenizeWildcards(value), true)));
      else exact.add(value.toLowerCase());
    }
    const any = anyOf(patterns);
    matches = patterns.length === 0 ? (action) => exact.has(action) : exact.size === 0 ? any : (action) => exact.has(action) || any(action);
  }
  return negated ? (action) => !matches(action) : matches;
}

function anyOf(matchers: readonly StringMatcher[]): StringMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return (input) => {
    for (const matcher of matchers) if (matcher(input)) return true;
    return false;
  };
}

export function compileResourceMatcher(element: TemplateListElement | undefined): ResourceMatcher {
  // A role trust policy has no Resource: it applies to the role it belongs to.
  if (element === undefined) return () => true;
  const literal: ArnMatcher[] = [];
  const templated: TemplateValue[] = [];
  for (const value of element.values) {
    if (value.hasVariables) templated.push(value);
    else {
      // Shared by text only when the text is all it is (no escape, read as a template or not).
      const only = value.parts.length === 1 ? value.parts[0]! : undefined;
      const build = () => compileArnPattern(literalGlobTokens(value.parts));
      literal.push(only?.kind === 'text' ? sharedPattern(resourcePatterns, only.text, build) : build());
    }
  }
  let matches: ResourceMatcher;
  if (templated.length === 0 && literal.length === 1) {
    const only = literal[0]!;
    matches = (target) => only(target);
  } else {
    matches = (target, context) => {
      for (const matcher of literal) if (matcher(target)) return true;
      for (const value of templated) {
        // A variable with no value (and no default) "will not match any resource".
        const tokens = resolveGlobTokens(value.parts, (key) => context.single(key));
        if (tokens && compileArnPattern(tokens)(target)) return true;
      }
      return false;
    };
  }
  return element.negated ? (target, context) => !matches(target, context) : matches;
}

function compileStatementPrincipal(statement: Statement): PrincipalMatcher {
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
