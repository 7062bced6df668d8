import { isAccountId, parsePrincipalArn, splitArn } from './arn.js';
import { parseOperatorName } from './condition-operators.js';
import { explainInvalidPolicyValue } from './condition-values.js';
import type { Finding, Severity } from './finding.js';
import { formatJsonPath, type JsonPath } from './json-path.js';
import type { ConditionClause, Effect, ListElement, PolicyDocument, PolicyVersion, PrincipalElement, Statement, TemplateListElement, TemplateValue } from './policy-document.js';
import { describeKindWithArticle, namesPrincipal, type PolicyKind } from './policy-kind.js';
import { parseTemplate } from './policy-variables.js';

/**
 * Turns a JSON value into a `PolicyDocument`, reporting every structural problem as a finding with
 * the path of the offending element. The document is returned only when no finding is an error:
 * evaluation never guesses what a malformed policy meant.
 */
export interface ParsePolicyResult {
  readonly document: PolicyDocument | undefined;
  readonly findings: readonly Finding[];
}

const TOP_LEVEL_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const SID = /^[A-Za-z0-9]*$/;
// service prefix, a colon, a key name (tag keys after a slash may hold more characters).
const CONDITION_KEY = /^[A-Za-z0-9-]+:[^\s]+$/;
/**
 * Web identity federation's keys are named after the issuer, not a service: the provider's URL
 * without https:// (host, optional port and path), a colon and a claim, as in
 * `token.actions.githubusercontent.com:sub` or `oidc.eks.us-east-1.amazonaws.com/id/ABC:aud`.
 */
const WEB_IDENTITY_CONDITION_KEY = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d{1,5})?(?:\/[^\s]*)?:[A-Za-z0-9_]+$/;
// service prefix, a colon, an action name; either part may hold wildcards, as AWS allows.
const ACTION = /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$/;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

class FindingCollector {
  readonly findings: Finding[] = [];

  add(severity: Severity, code: string, path: JsonPath, message: string): void {
    this.findings.push({ severity, code, path: formatJsonPath(path), message });
  }

  error(code: string, path: JsonPath, message: string): void {
    this.add('error', code, path, message);
  }

  get errorCount(): number {
    return this.findings.filter((finding) => finding.severity === 'error').length;
  }
}

export function parsePolicy(value: unknown, kind: PolicyKind): ParsePolicyResult {
  const out = new FindingCollector();
  if (!isObject(value)) {
    out.error('DATA_TYPE_MISMATCH', [], 'A policy document must be a JSON object with a Statement element.');
    return { document: undefined, findings: out.findings };
  }
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_ELEMENTS.has(key)) {
      out.error('INVALID_POLICY_ELEMENT', [key], `${JSON.stringify(key)} is not a policy element; the document may hold Version, Id and Statement.`);
    }
  }
  const version = readVersion(value, out);
  let id: string | undefined;
  if (hasOwn(value, 'Id')) {
    if (typeof value['Id'] === 'string') id = value['Id'];
    else out.error('DATA_TYPE_MISMATCH', ['Id'], 'Id must be a string.');
  }
  const statements: Statement[] = [];
  if (!hasOwn(value, 'Statement')) {
    out.error('MISSING_STATEMENT', [], 'The policy has no Statement element; add at least one statement.');
  } else {
    const raw = value['Statement'];
    if (Array.isArray(raw)) {
      if (raw.length === 0) out.error('MISSING_STATEMENT', ['Statement'], 'The Statement array is empty; add at least one statement.');
      raw.forEach((item, index) => {
        const statement = readStatement(item, index, ['Statement', index], version, kind, out);
        if (statement) statements.push(statement);
      });
    } else {
      const statement = readStatement(raw, 0, ['Statement'], version, kind, out);
      if (statement) statements.push(statement);
    }
  }
  const document = out.errorCount === 0 ? { version, id, statements } : undefined;
  return { document, findings: out.findings };
}

function readVersion(value: JsonObject, out: FindingCollector): PolicyVersion | undefined {
  if (!hasOwn(value, 'Version')) return undefined;
  const version = value['Version'];
  if (version === '2012-10-17' || version === '2008-10-17') return version;
  out.error('INVALID_VERSION', ['Version'], `Version must be "2012-10-17" (or the older "2008-10-17"), not ${JSON.stringify(version)}.`);
  return undefined;
}

function readStatement(raw: unknown, index: number, path: JsonPath, version: PolicyVersion | undefined, kind: PolicyKind, out: FindingCollector): Statement | undefined {
  if (!isObject(raw)) {
    out.error('DATA_TYPE_MISMATCH', path, 'A statement must be a JSON object.');
    return undefined;
  }
  const errorsBefore = out.errorCount;
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_ELEMENTS.has(key)) {
      out.error(
        'INVALID_POLICY_ELEMENT',
        [...path, key],
        `${JSON.stringify(key)} is not a statement element; use Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition (names are case-sensitive).`,
      );
    }
  }
  const variablesActive = version === '2012-10-17';

  let sid: string | undefined;
  if (hasOwn(raw, 'Sid')) {
    const value = raw['Sid'];
    if (typeof value !== 'string') out.error('DATA_TYPE_MISMATCH', [...path, 'Sid'], 'Sid must be a string.');
    else {
      sid = value;
      if (value === '') out.add('suggestion', 'EMPTY_SID_VALUE', [...path, 'Sid'], 'The Sid is empty; remove it or give the statement a name.');
      else if (!SID.test(value)) {
        // IAM accepts only ASCII letters and digits; other services' resource policies are more lenient.
        const severity: Severity = kind === 'resource' ? 'warning' : 'error';
        out.add(severity, 'INVALID_SID', [...path, 'Sid'], `Sid ${JSON.stringify(value)} may contain only ASCII letters (A-Z, a-z) and digits (0-9).`);
      }
    }
  }

  const effect = readEffect(raw, path, out);
  const principal = readPrincipal(raw, path, effect, kind, variablesActive, out);
  const action = readActions(raw, path, variablesActive, out);
  const resource = readResources(raw, path, version, kind, out);
  const conditions = readConditions(raw, path, variablesActive, out);

  if (out.errorCount > errorsBefore || !effect || !action) return undefined;
  return { index, sid, effect, principal, action, resource, conditions };
}

function readEffect(raw: JsonObject, path: JsonPath, out: FindingCollector): Effect | undefined {
  if (!hasOwn(raw, 'Effect')) {
    out.error('MISSING_EFFECT', path, 'The statement has no Effect; add "Effect": "Allow" or "Effect": "Deny".');
    return undefined;
  }
  const value = raw['Effect'];
  if (value === 'Allow' || value === 'Deny') return value;
  const hint =
    typeof value === 'string' && (value.toLowerCase() === 'allow' || value.toLowerCase() === 'deny')
      ? ` Effect is case-sensitive: write "${value[0]!.toUpperCase()}${value.slice(1).toLowerCase()}".`
      : '';
  out.error('INVALID_EFFECT', [...path, 'Effect'], `Effect must be "Allow" or "Deny", not ${JSON.stringify(value)}.${hint}`);
  return undefined;
}

/** A string or a list of strings, as Action, Resource and Principal values are written. */
function readStringList(value: unknown, path: JsonPath, element: string, out: FindingCollector): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    let ok = true;
    value.forEach((item, index) => {
      if (typeof item !== 'string') {
        out.error('DATA_TYPE_MISMATCH', [...path, index], `Each ${element} entry must be a string.`);
        ok = false;
      }
    });
    return ok ? (value as string[]) : undefined;
  }
  out.error('DATA_TYPE_MISMATCH', path, `${element} must be a string or an array of strings.`);
  return undefined;
}

function reportDuplicates(values: readonly string[], path: JsonPath, element: string, out: FindingCollector, fold = false): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    const key = fold ? value.toLowerCase() : value;
    if (seen.has(key)) {
      out.add('suggestion', `REDUNDANT_${element.toUpperCase()}`, [...path, index], `${JSON.stringify(value)} appears more than once in ${element}; remove the repeat.`);
    }
    seen.add(key);
  });
}

function readActions(raw: JsonObject, path: JsonPath, variablesActive: boolean, out: FindingCollector): ListElement | undefined {
  const hasAction = hasOwn(raw, 'Action');
  const hasNotAction = hasOwn(raw, 'NotAction');
  if (hasAction && hasNotAction) {
    out.error('UNSUPPORTED_ELEMENT_COMBINATION', path, 'A statement may have Action or NotAction, not both.');
    return undefined;
  }
  if (!hasAction && !hasNotAction) {
    out.error('MISSING_ACTION', path, 'The statement has neither Action nor NotAction; name the actions it covers.');
    return undefined;
  }
  const element = hasAction ? 'Action' : 'NotAction';
  const elementPath = [...path, element];
  const values = readStringList(raw[element], elementPath, element, out);
  if (!values) return undefined;
  if (values.length === 0) out.add('suggestion', 'EMPTY_ARRAY_ACTION', elementPath, `${element} is an empty array, so the statement covers no action.`);
  let ok = true;
  values.forEach((value, index) => {
    const itemPath = Array.isArray(raw[element]) ? [...elementPath, index] : elementPath;
    if (variablesActive && value.includes('${')) {
      out.error('VARIABLE_UNSUPPORTED_IN_ELEMENT', itemPath, 'Policy variables are supported only in the Resource and Condition elements.');
      ok = false;
    } else if (value !== '*' && !ACTION.test(value)) {
      out.error('INVALID_ACTION', itemPath, `${JSON.stringify(value)} is not an action; write "service:ActionName" (e.g. "s3:GetObject"), with * or ? as wildcards, or "*".`);
      ok = false;
    }
  });
  reportDuplicates(values, elementPath, 'Action', out, true);
  return ok ? { negated: !hasAction, values } : undefined;
}

function readResources(raw: JsonObject, path: JsonPath, version: PolicyVersion | undefined, kind: PolicyKind, out: FindingCollector): TemplateListElement | undefined {
  const hasResource = hasOwn(raw, 'Resource');
  const hasNotResource = hasOwn(raw, 'NotResource');
  if (hasResource && hasNotResource) {
    out.error('UNSUPPORTED_ELEMENT_COMBINATION', path, 'A statement may have Resource or NotResource, not both.');
    return undefined;
  }
  if (!hasResource && !hasNotResource) {
    // A role trust policy applies to the role it belongs to, so it names no resource.
    if (kind !== 'trust') out.error('MISSING_RESOURCE', path, `A statement in ${describeKindWithArticle(kind)} needs Resource or NotResource; use "*" for every resource.`);
    return undefined;
  }
  const element = hasResource ? 'Resource' : 'NotResource';
  const elementPath = [...path, element];
  if (kind === 'trust') {
    out.error('UNSUPPORTED_ELEMENT', elementPath, `A role trust policy names no ${element}: it always applies to its role.`);
    return undefined;
  }
  const values = readStringList(raw[element], elementPath, element, out);
  if (!values) return undefined;
  if (values.length === 0) out.add('suggestion', 'EMPTY_ARRAY_RESOURCE', elementPath, `${element} is an empty array, so the statement covers no resource.`);
  const templates: TemplateValue[] = [];
  values.forEach((value, index) => {
    const itemPath = Array.isArray(raw[element]) ? [...elementPath, index] : elementPath;
    const template = readResourcePattern(value, itemPath, version, out);
    if (template) templates.push(template);
  });
  reportDuplicates(values, elementPath, 'Resource', out);
  return templates.length === values.length ? { negated: !hasResource, values: templates } : undefined;
}

function readResourcePattern(value: string, path: JsonPath, version: PolicyVersion | undefined, out: FindingCollector): TemplateValue | undefined {
  const template = readTemplate(value, path, version === '2012-10-17', out);
  if (!template) return undefined;
  if (value === '*') return template;
  const segments = splitArn(value);
  // Split on the first five colons or on every one, partition and service are the same.
  const parts = segments ?? value.split(':');
  // A pattern cut short after a trailing `*` ("arn:aws:s3:*") is an ARN whose last star spans the rest.
  const shortened = !segments && value.startsWith('arn:') && parts.length >= 4 && value.endsWith('*');
  if (!segments && !shortened) {
    out.error('INVALID_ARN', path, `${JSON.stringify(value)} is not a resource ARN; write "arn:partition:service:region:account:resource" or "*".`);
    return undefined;
  }
  const [, partition = '', service = ''] = parts;
  // Wildcards may appear in every segment but the service ("You cannot use a wildcard in the service segment").
  if (partition === '' || service === '' || /[*?]/.test(service)) {
    out.error('INVALID_ARN', path, `${JSON.stringify(value)} must name a partition and a service, without wildcards in the service (e.g. "arn:aws:s3:::bucket/*").`);
    return undefined;
  }
  if (service !== service.toLowerCase()) {
    out.error('INVALID_ARN_SERVICE_CASE', path, `The service segment ${JSON.stringify(service)} must be lower case.`);
    return undefined;
  }
  if (template.hasVariables) {
    // AWS: a variable cannot replace parts of the ARN before the fifth colon (service, region, account).
    const beforeVariable = value.slice(0, value.indexOf('${'));
    if (beforeVariable.split(':').length - 1 < 5) {
      out.error('VARIABLE_UNSUPPORTED_IN_ELEMENT', path, 'In a resource ARN, policy variables may appear only in the resource part, after the fifth colon.');
      return undefined;
    }
  }
  return template;
}

function readTemplate(value: string, path: JsonPath, variablesActive: boolean, out: FindingCollector): TemplateValue | undefined {
  if (!variablesActive) return { text: value, parts: value === '' ? [] : [{ kind: 'text', text: value }], hasVariables: false };
  const parsed = parseTemplate(value);
  if (!parsed.ok) {
    out.error('INVALID_POLICY_VARIABLE', path, `${parsed.message}.`);
    return undefined;
  }
  return { text: value, parts: parsed.parts, hasVariables: parsed.hasVariables };
}

function readPrincipal(raw: JsonObject, path: JsonPath, effect: Effect | undefined, kind: PolicyKind, variablesActive: boolean, out: FindingCollector): PrincipalElement | undefined {
  const hasPrincipal = hasOwn(raw, 'Principal');
  const hasNotPrincipal = hasOwn(raw, 'NotPrincipal');
  if (!namesPrincipal(kind)) {
    for (const element of ['Principal', 'NotPrincipal']) {
      if (hasOwn(raw, element)) {
        out.error('UNSUPPORTED_ELEMENT', [...path, element], `${capitalize(describeKindWithArticle(kind))} cannot have ${element}: it applies to the principal it is attached to.`);
      }
    }
    return undefined;
  }
  if (hasPrincipal && hasNotPrincipal) {
    out.error('UNSUPPORTED_ELEMENT_COMBINATION', path, 'A statement may have Principal or NotPrincipal, not both.');
    return undefined;
  }
  if (!hasPrincipal && !hasNotPrincipal) {
    out.error('MISSING_PRINCIPAL', path, `A statement in ${describeKindWithArticle(kind)} must name a Principal.`);
    return undefined;
  }
  const element = hasPrincipal ? 'Principal' : 'NotPrincipal';
  const elementPath = [...path, element];
  if (hasNotPrincipal) {
    if (kind === 'trust') {
      out.error('UNSUPPORTED_ELEMENT', elementPath, 'A role trust policy cannot use NotPrincipal; name the principals that may assume the role.');
      return undefined;
    }
    if (effect === 'Allow') {
      // AWS: "NotPrincipal must be used with Effect: Deny. Using it with Effect: Allow is not supported."
      out.add(
        'security_warning',
        'ALLOW_WITH_NOT_PRINCIPAL',
        elementPath,
        'Allow with NotPrincipal would grant access to everyone not listed, anonymous callers included, and AWS does not support it; use Principal, with conditions if needed.',
      );
      out.error('UNSUPPORTED_ELEMENT_COMBINATION', elementPath, 'NotPrincipal may only be used with "Effect": "Deny".');
      return undefined;
    }
  }
  const value = raw[element];
  const principal = {
    negated: hasNotPrincipal,
    everyone: false,
    aws: [] as string[],
    service: [] as string[],
    federated: [] as string[],
    canonicalUser: [] as string[],
  };
  if (value === '*') return { ...principal, everyone: true };
  if (!isObject(value)) {
    out.error('INVALID_PRINCIPAL_FORMAT', elementPath, `${element} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}.`);
    return undefined;
  }
  const errorsBefore = out.errorCount;
  const keys = Object.keys(value);
  if (keys.length === 0) out.add('suggestion', 'EMPTY_OBJECT_PRINCIPAL', elementPath, `${element} is an empty object, so the statement applies to no principal.`);
  for (const type of keys) {
    const typePath = [...elementPath, type];
    if (!PRINCIPAL_TYPES.has(type)) {
      out.error('INVALID_PRINCIPAL_KEY', typePath, `${JSON.stringify(type)} is not a principal type; use AWS, Service, Federated or CanonicalUser.`);
      continue;
    }
    const values = readStringList(value[type], typePath, `${element}.${type}`, out);
    if (!values) continue;
    if (values.length === 0) out.add('suggestion', 'EMPTY_ARRAY_PRINCIPAL', typePath, `${element}.${type} is an empty array.`);
    values.forEach((item, index) => {
      const itemPath = Array.isArray(value[type]) ? [...typePath, index] : typePath;
      if (variablesActive && item.includes('${')) {
        out.error('VARIABLE_UNSUPPORTED_IN_ELEMENT', itemPath, 'Policy variables are supported only in the Resource and Condition elements.');
      } else if (item === '*') {
        if (type === 'AWS') principal.everyone = true;
        else out.error('INVALID_PRINCIPAL_WILDCARD', itemPath, `${type} cannot be "*"; use "Principal": "*" or {"AWS": "*"} for everyone.`);
      } else if (/[*?]/.test(item)) {
        out.error(
          'INVALID_PRINCIPAL_WILDCARD',
          itemPath,
          `${JSON.stringify(item)}: a wildcard cannot match part of a principal; name the principal, or use a condition on aws:PrincipalArn with ArnLike.`,
        );
      } else if (type === 'AWS') {
        const arn = parsePrincipalArn(item);
        if (isAccountId(item) || (arn !== undefined && arn.kind !== 'other')) principal.aws.push(item);
        else
          out.error(
            'INVALID_PRINCIPAL_FORMAT',
            itemPath,
            `${JSON.stringify(item)} is not an AWS principal; use a 12-digit account id or an IAM/STS ARN of a root user, user, role, assumed-role session or federated user (groups cannot be principals).`,
          );
      } else if (type === 'Service') principal.service.push(item);
      else if (type === 'Federated') principal.federated.push(item);
      else principal.canonicalUser.push(item);
    });
  }
  return out.errorCount > errorsBefore ? undefined : principal;
}

function readConditions(raw: JsonObject, path: JsonPath, variablesActive: boolean, out: FindingCollector): ConditionClause[] {
  if (!hasOwn(raw, 'Condition')) return [];
  const conditionPath = [...path, 'Condition'];
  const block = raw['Condition'];
  if (!isObject(block)) {
    out.error('DATA_TYPE_MISMATCH', conditionPath, 'Condition must be an object of {operator: {key: value}}.');
    return [];
  }
  const clauses: ConditionClause[] = [];
  const operatorNames = Object.keys(block);
  if (operatorNames.length === 0) out.add('suggestion', 'EMPTY_OBJECT_CONDITION', conditionPath, 'Condition is an empty object; remove it.');
  for (const operatorText of operatorNames) {
    const operatorPath = [...conditionPath, operatorText];
    const parsed = parseOperatorName(operatorText);
    if (!parsed.ok) {
      out.error('INVALID_CONDITION_OPERATOR', operatorPath, parsed.message);
      continue;
    }
    const keys = block[operatorText];
    if (!isObject(keys)) {
      out.error('DATA_TYPE_MISMATCH', operatorPath, `The value of ${operatorText} must be an object of {conditionKey: value or [values]}.`);
      continue;
    }
    const keyNames = Object.keys(keys);
    if (keyNames.length === 0) out.add('suggestion', 'EMPTY_OBJECT_CONDITION', operatorPath, `${operatorText} names no condition key; remove it.`);
    const seenKeys = new Map<string, string>();
    for (const key of keyNames) {
      const keyPath = [...operatorPath, key];
      const previous = seenKeys.get(key.toLowerCase());
      if (previous !== undefined) {
        out.error('DUPLICATE_KEYS_WITH_DIFFERENT_CASE', keyPath, `Condition keys are case-insensitive, so ${JSON.stringify(key)} repeats ${JSON.stringify(previous)}; merge them.`);
        continue;
      }
      seenKeys.set(key.toLowerCase(), key);
      if ((!CONDITION_KEY.test(key) && !WEB_IDENTITY_CONDITION_KEY.test(key)) || key.endsWith('/')) {
        out.error('INVALID_CONDITION_KEY_FORMAT', keyPath, `${JSON.stringify(key)} is not a condition key; use the format service:keyname (e.g. "aws:SourceIp", "aws:PrincipalTag/team").`);
        continue;
      }
      const values = readConditionValues(keys[key], keyPath, out);
      if (!values) continue;
      if (parsed.operator.family === 'Bool' && values.length > 1) {
        out.error('INVALID_CONDITION_MULTIPLE_BOOLEAN', keyPath, 'Bool takes a single value, "true" or "false".');
        continue;
      }
      const templates: TemplateValue[] = [];
      values.forEach((text, index) => {
        const valuePath = Array.isArray(keys[key]) ? [...keyPath, index] : keyPath;
        const usesVariables = variablesActive && parsed.operator.acceptsVariables;
        if (variablesActive && !parsed.operator.acceptsVariables && text.includes('${')) {
          out.error('VARIABLE_UNSUPPORTED_IN_OPERATOR', valuePath, `${parsed.operator.name} cannot use policy variables; only String and ARN operators substitute them.`);
          return;
        }
        const template = readTemplate(text, valuePath, usesVariables, out);
        if (!template) return;
        const problem = template.hasVariables ? undefined : explainInvalidPolicyValue(parsed.operator, text);
        if (problem) {
          out.error('INVALID_CONDITION_VALUE', valuePath, `${problem}.`);
          return;
        }
        templates.push(template);
      });
      if (templates.length !== values.length) continue;
      clauses.push({
        operatorText,
        operator: parsed.operator,
        qualifier: parsed.qualifier,
        ifExists: parsed.ifExists,
        key,
        values: templates,
        path: formatJsonPath(keyPath),
      });
    }
  }
  return clauses;
}

function readConditionValues(value: unknown, path: JsonPath, out: FindingCollector): string[] | undefined {
  const scalar = (item: unknown): string | undefined => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' && Number.isFinite(item)) return String(item);
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    return undefined;
  };
  if (Array.isArray(value)) {
    const values: string[] = [];
    let ok = true;
    value.forEach((item, index) => {
      const text = scalar(item);
      if (text === undefined) {
        out.error('DATA_TYPE_MISMATCH', [...path, index], 'A condition value must be a string, a number or a boolean.');
        ok = false;
      } else values.push(text);
    });
    if (value.length === 0) out.add('suggestion', 'EMPTY_ARRAY_CONDITION', path, 'This condition key has an empty list of values.');
    return ok ? values : undefined;
  }
  const text = scalar(value);
  if (text === undefined) {
    out.error('DATA_TYPE_MISMATCH', path, 'A condition value must be a string, a number, a boolean or an array of them.');
    return undefined;
  }
  return [text];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
