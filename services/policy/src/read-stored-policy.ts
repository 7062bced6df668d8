import { type ConditionOperator, parseOperatorName, type ParsedOperatorName } from './condition-operators.js';
import { formatJsonPath, type JsonPath } from './json-path.js';
import type { ConditionClause, Effect, ListElement, PolicyDocument, PolicyVersion, PrincipalElement, SetQualifier, Statement, TemplateListElement, TemplateValue } from './policy-document.js';
import { namesPrincipal, type PolicyKind } from './policy-kind.js';
import { parseTemplate } from './policy-variables.js';

/**
 * Reads a policy document that passed `validatePolicy` for the same kind when it was written, into
 * the `PolicyDocument` that `parsePolicy` would have built from it: the same normalisation (single
 * values to lists, condition values to strings, templates only under Version 2012-10-17), without
 * findings, JSON paths of elements, size and character checks or lint. It trusts the document's
 * meaning, not its shape: anything that is not shaped as a valid document is (Statement not an
 * object or array, an Effect that is neither Allow nor Deny, an unknown operator…) makes it answer
 * `undefined`, so a caller that breaks the contract gets a refusal, never a guess.
 */
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside the reader only; `readStoredPolicy` turns it into `undefined`. */
class NotAValidDocument extends Error {}

function refuse(): never {
  throw new NotAValidDocument();
}

export function readStoredPolicy(value: unknown, kind: PolicyKind): PolicyDocument | undefined {
  try {
    return readDocument(value, kind);
  } catch (error) {
    if (error instanceof NotAValidDocument) return undefined;
    throw error;
  }
}

function readDocument(value: unknown, kind: PolicyKind): PolicyDocument {
  if (!isObject(value)) refuse();
  const rawVersion = value['Version'];
  const version: PolicyVersion | undefined = rawVersion === undefined ? undefined : rawVersion === '2012-10-17' || rawVersion === '2008-10-17' ? rawVersion : refuse();
  const rawId = value['Id'];
  const id = rawId === undefined ? undefined : typeof rawId === 'string' ? rawId : refuse();
  const raw = value['Statement'];
  const statements: Statement[] = [];
  if (Array.isArray(raw)) {
    if (raw.length === 0) refuse();
    for (let index = 0; index < raw.length; index++) statements.push(readStatement(raw[index], index, ['Statement', index], version, kind));
  } else statements.push(readStatement(raw, 0, ['Statement'], version, kind));
  return { version, id, statements };
}

function readStatement(raw: unknown, index: number, path: JsonPath, version: PolicyVersion | undefined, kind: PolicyKind): Statement {
  if (!isObject(raw)) refuse();
  const variablesActive = version === '2012-10-17';
  const rawSid = raw['Sid'];
  const sid = rawSid === undefined ? undefined : typeof rawSid === 'string' ? rawSid : refuse();
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') refuse();
  return {
    index,
    sid,
    effect,
    principal: namesPrincipal(kind) ? readPrincipal(raw, effect) : undefined,
    action: readActions(raw),
    resource: kind === 'trust' ? undefined : readResources(raw, variablesActive),
    conditions: raw['Condition'] === undefined ? [] : readConditions(raw['Condition'], path, variablesActive),
  };
}

function stringList(value: unknown): readonly string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) refuse();
  for (const item of value) if (typeof item !== 'string') refuse();
  return value as string[];
}

function readActions(raw: JsonObject): ListElement {
  const action = raw['Action'];
  if (action !== undefined) return { negated: false, values: stringList(action) };
  const notAction = raw['NotAction'];
  if (notAction === undefined) refuse();
  return { negated: true, values: stringList(notAction) };
}

function readResources(raw: JsonObject, variablesActive: boolean): TemplateListElement {
  const resource = raw['Resource'];
  const negated = resource === undefined;
  const values = stringList(negated ? (raw['NotResource'] ?? refuse()) : resource);
  const templates: TemplateValue[] = [];
  for (const value of values) templates.push(template(value, variablesActive));
  return { negated, values: templates };
}

function template(text: string, variablesActive: boolean): TemplateValue {
  if (!variablesActive || !text.includes('${')) return { text, parts: text === '' ? [] : [{ kind: 'text', text }], hasVariables: false };
  const parsed = parseTemplate(text);
  if (!parsed.ok) refuse();
  return { text, parts: parsed.parts, hasVariables: parsed.hasVariables };
}

function readPrincipal(raw: JsonObject, effect: Effect): PrincipalElement {
  const negated = raw['Principal'] === undefined;
  const value = negated ? raw['NotPrincipal'] : raw['Principal'];
  if (value === undefined || (negated && effect === 'Allow')) refuse();
  const principal = { negated, everyone: value === '*', aws: [] as string[], service: [] as string[], federated: [] as string[], canonicalUser: [] as string[] };
  if (principal.everyone) return principal;
  if (!isObject(value)) refuse();
  for (const type of Object.keys(value)) {
    const values = stringList(value[type]);
    if (type === 'AWS') {
      for (const item of values) {
        if (item === '*') principal.everyone = true;
        else principal.aws.push(item);
      }
    } else if (type === 'Service') principal.service.push(...values);
    else if (type === 'Federated') principal.federated.push(...values);
    else if (type === 'CanonicalUser') principal.canonicalUser.push(...values);
    else refuse();
  }
  return principal;
}

/** Valid operator names are few; reading each once keeps the stored path from re-parsing them. */
const OPERATORS = new Map<string, ParsedOperatorName>();

function operatorNamed(text: string): ParsedOperatorName {
  const known = OPERATORS.get(text);
  if (known) return known;
  const parsed = parseOperatorName(text);
  if (!parsed.ok) refuse();
  const operator = { operator: parsed.operator, qualifier: parsed.qualifier, ifExists: parsed.ifExists };
  OPERATORS.set(text, operator);
  return operator;
}

function conditionValue(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'number' && Number.isFinite(item)) return String(item);
  if (typeof item === 'boolean') return item ? 'true' : 'false';
  return refuse();
}

/** A clause whose JSONPath, which only findings use, is formatted when asked for. */
class StoredConditionClause implements ConditionClause {
  readonly #statementPath: JsonPath;

  constructor(
    readonly operatorText: string,
    readonly operator: ConditionOperator,
    readonly qualifier: SetQualifier,
    readonly ifExists: boolean,
    readonly key: string,
    readonly values: readonly TemplateValue[],
    statementPath: JsonPath,
  ) {
    this.#statementPath = statementPath;
  }

  get path(): string {
    return formatJsonPath([...this.#statementPath, 'Condition', this.operatorText, this.key]);
  }
}

function readConditions(block: unknown, path: JsonPath, variablesActive: boolean): ConditionClause[] {
  if (!isObject(block)) refuse();
  const clauses: ConditionClause[] = [];
  for (const operatorText of Object.keys(block)) {
    const { operator, qualifier, ifExists } = operatorNamed(operatorText);
    const keys = block[operatorText];
    if (!isObject(keys)) refuse();
    const usesVariables = variablesActive && operator.acceptsVariables;
    for (const key of Object.keys(keys)) {
      const raw = keys[key];
      const values: TemplateValue[] = [];
      if (Array.isArray(raw)) for (const item of raw) values.push(template(conditionValue(item), usesVariables));
      else values.push(template(conditionValue(raw), usesVariables));
      clauses.push(new StoredConditionClause(operatorText, operator, qualifier, ifExists, key, values, path));
    }
  }
  return clauses;
}
