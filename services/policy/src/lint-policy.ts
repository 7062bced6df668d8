import { describeConditionKey, familiesForKeyType } from './condition-keys.js';
import type { Finding } from './finding.js';
import type { PolicyDocument, Statement } from './policy-document.js';
import { formatJsonPath } from './json-path.js';
import { isIamStored, namesPrincipal, type PolicyKind } from './policy-kind.js';
import { compileWildcardPattern } from './wildcard.js';

/**
 * The checks that look past structure, as IAM Access Analyzer's do: grants that are too broad
 * (security warnings), likely mistakes (warnings) and tidying (suggestions). They run on a document
 * that parsed without errors, and the only errors they add are for conditions AWS rejects outright.
 */
export function lintPolicy(document: PolicyDocument, kind: PolicyKind, writesVariableMarker: boolean): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], code: string, path: string, message: string): void => {
    findings.push({ severity, code, path, message });
  };

  if (document.version === undefined) {
    add('warning', 'MISSING_VERSION', '$', 'Add "Version": "2012-10-17". Without it IAM uses the 2008-10-17 language, in which policy variables are literal text.');
  } else if (document.version === '2008-10-17' && writesVariableMarker) {
    add('warning', 'VARIABLE_UNSUPPORTED_IN_VERSION', '$.Version', 'Under Version 2008-10-17, ${...} is literal text, not a policy variable; use "Version": "2012-10-17" to substitute it.');
  }

  const sids = new Map<string, number>();
  for (const statement of document.statements) {
    const path = statementPath(document, statement);
    if (statement.sid) {
      const first = sids.get(statement.sid);
      if (first !== undefined) {
        // The Sid "must be unique within a JSON policy"; other services' resource policies are laxer.
        if (isIamStored(kind))
          add('error', 'UNIQUE_SIDS_REQUIRED', `${path}.Sid`, `Sid ${JSON.stringify(statement.sid)} is already used by statement ${first}; each Sid must be unique within the policy.`);
        else add('warning', 'UNIQUE_SIDS_RECOMMENDED', `${path}.Sid`, `Sid ${JSON.stringify(statement.sid)} is already used by statement ${first}; give each statement its own Sid.`);
      } else sids.set(statement.sid, statement.index);
    }
    if (statement.effect === 'Allow') lintAllow(statement, path, kind, add);
    lintConditions(statement, add);
  }
  return findings;
}

type Add = (severity: Finding['severity'], code: string, path: string, message: string) => void;

function statementPath(document: PolicyDocument, statement: Statement): string {
  return document.statements.length === 1 && statement.index === 0 ? '$.Statement' : formatJsonPath(['Statement', statement.index]);
}

const PASS_ROLE = 'iam:passrole';

function lintAllow(statement: Statement, path: string, kind: PolicyKind, add: Add): void {
  const { action, resource } = statement;
  const everyResource = resource !== undefined && !resource.negated && resource.values.some((value) => value.text === '*');
  const everyAction = !action.negated && action.values.includes('*');
  if (everyAction && everyResource) {
    add(
      'security_warning',
      'FULL_ACCESS',
      path,
      'This statement allows every action on every resource ("Action": "*" with "Resource": "*"): full administrator access. Grant only the actions and resources needed.',
    );
  } else if (!action.negated && everyResource && action.values.some((value) => compileWildcardPattern(value.toLowerCase(), true)(PASS_ROLE))) {
    add(
      'security_warning',
      'PASS_ROLE_WITH_STAR_IN_RESOURCE',
      path,
      'iam:PassRole with "Resource": "*" lets the principal pass any role, and so gain its permissions; list the role ARNs it may pass.',
    );
  }
  if (action.negated) {
    add('warning', 'ALLOW_WITH_NOT_ACTION', `${path}.NotAction`, 'Allow with NotAction grants every action not listed, including actions of services added later; prefer listing the allowed actions.');
  }
  if (resource?.negated) {
    add('warning', 'ALLOW_WITH_NOT_RESOURCE', `${path}.NotResource`, 'Allow with NotResource grants on every resource not listed, including ones created later; prefer listing the allowed resources.');
  }
  if (namesPrincipal(kind) && statement.principal?.everyone && !statement.principal.negated && statement.conditions.length === 0) {
    add(
      'security_warning',
      'PUBLIC_ACCESS',
      `${path}.Principal`,
      'This statement allows anyone, anonymous callers included, with no condition; add a condition (e.g. aws:PrincipalOrgID or aws:SourceAccount) or name the principals.',
    );
  }
}

function lintConditions(statement: Statement, add: Add): void {
  for (const clause of statement.conditions) {
    const key = clause.key.toLowerCase();
    const description = describeConditionKey(key);
    const family = clause.operator.family;
    if (family === 'Null') {
      if (clause.qualifier === 'ForAllValues') add('suggestion', 'NULL_WITH_QUALIFIER', clause.path, 'ForAllValues:Null is always true; use Null without a qualifier.');
      if (clause.qualifier === 'ForAnyValue') add('suggestion', 'NULL_WITH_QUALIFIER', clause.path, 'ForAnyValue:Null is always false; use Null without a qualifier.');
    }
    if (!description.known) {
      if (description.global) {
        add('warning', 'UNKNOWN_GLOBAL_CONDITION_KEY', clause.path, `${JSON.stringify(clause.key)} is not a global condition key AWS documents; check its spelling (names are case-insensitive).`);
      }
    } else {
      if (!familiesForKeyType(description.type).includes(family)) {
        add(
          'warning',
          'TYPE_MISMATCH',
          clause.path,
          `${clause.operator.name} compares ${family} values, but ${clause.key} holds ${description.type === 'ArrayOfString' ? 'strings' : description.type} values; use a ${familiesForKeyType(description.type)[0]} operator.`,
        );
      }
      if (description.type === 'ArrayOfString' && clause.qualifier === undefined && family !== 'Null') {
        add('error', 'MISSING_QUALIFIER', clause.path, `${clause.key} is multivalued: prefix the operator with ForAnyValue: (at least one value matches) or ForAllValues: (every value matches).`);
      }
      if (description.type !== 'ArrayOfString' && clause.qualifier === 'ForAllValues') {
        add(
          'security_warning',
          'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
          clause.path,
          `${clause.key} is single-valued; ForAllValues is also true when the key is absent, which can allow more than intended. Drop the qualifier.`,
        );
      }
    }
    if (clause.operator.family === 'String' && clause.operator.comparison !== 'like' && clause.values.some((value) => /[*?]/.test(value.text.replace(/\$\{[*?]\}/g, '')))) {
      add('warning', 'WILDCARD_WITHOUT_LIKE_OPERATOR', clause.path, `${clause.operator.name} compares * and ? literally; use StringLike or StringNotLike for wildcards.`);
    }
    for (const value of clause.values) {
      for (const part of value.parts) {
        if (part.kind !== 'variable') continue;
        const variable = describeConditionKey(part.key);
        if (variable.known && variable.type === 'ArrayOfString') {
          add('warning', 'MULTIVALUED_KEY_AS_VARIABLE', clause.path, `\${${part.name}} is multivalued and cannot be a policy variable; it never matches.`);
        }
      }
    }
  }
}
