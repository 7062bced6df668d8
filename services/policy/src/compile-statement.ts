import type { MatchedStatement, PolicySource } from './evaluation-result.js';
import type { Statement } from './policy-document.js';
import { StatementRule } from './statement-rule.js';

/**
 * A statement compiled for evaluation. `services` lists the lower-cased service prefixes its Action
 * names, letting a policy set skip statements about other services; it is `undefined` when any
 * service may match (a wildcard service, or NotAction). The matchers live in `rule`, which builds
 * each one the first time it is asked (see `statement-rule.ts`), and which is shared when the same
 * compiled policy is placed at another position (`placeStatement`).
 */
export interface CompiledStatement {
  readonly matched: MatchedStatement;
  readonly effect: 'Allow' | 'Deny';
  readonly source: PolicySource;
  readonly services: readonly string[] | undefined;
  readonly rule: StatementRule;
}

export interface StatementOrigin {
  readonly source: PolicySource;
  readonly policyIndex: number;
  readonly policyName: string | undefined;
  readonly policyArn: string | undefined;
}

export function compileStatement(statement: Statement, origin: StatementOrigin): CompiledStatement {
  return {
    matched: matchedStatement(statement, origin),
    effect: statement.effect,
    source: origin.source,
    services: servicesOf(statement),
    rule: new StatementRule(statement),
  };
}

/** The same compiled statement, reported as part of a policy at another position or under another name. */
export function placeStatement(compiled: CompiledStatement, origin: StatementOrigin): CompiledStatement {
  return { matched: matchedStatement(compiled.rule.statement, origin), effect: compiled.effect, source: origin.source, services: compiled.services, rule: compiled.rule };
}

/** Keys in the order callers print them: source, policyIndex, policyName, policyArn, statementIndex, sid, effect. */
function matchedStatement(statement: Statement, origin: StatementOrigin): MatchedStatement {
  const matched: Record<string, unknown> = { source: origin.source, policyIndex: origin.policyIndex };
  if (origin.policyName !== undefined) matched['policyName'] = origin.policyName;
  if (origin.policyArn !== undefined) matched['policyArn'] = origin.policyArn;
  matched['statementIndex'] = statement.index;
  if (statement.sid) matched['sid'] = statement.sid;
  matched['effect'] = statement.effect;
  return matched as unknown as MatchedStatement;
}

/** A wildcard in the service prefix ("*", "s3*:Get") lets the statement speak for any service. */
function servicesOf(statement: Statement): string[] | undefined {
  if (statement.action.negated) return undefined;
  const services: string[] = [];
  for (const action of statement.action.values) {
    const colon = action.indexOf(':');
    const service = colon < 0 ? action : action.slice(0, colon);
    if (service.includes('*') || service.includes('?')) return undefined;
    const lower = service.toLowerCase();
    if (!services.includes(lower)) services.push(lower);
  }
  return services;
}
