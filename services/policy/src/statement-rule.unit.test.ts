import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toArnTarget } from './arn-pattern.js';
import { parseTemplate } from './policy-variables.js';
import type { TemplateValue } from './policy-document.js';
import { RequestContext } from './request-context.js';
import { compileActionMatcher, compileResourceMatcher } from './statement-rule.js';

function actionMatcher(values: string[], negated = false): (action: string) => boolean {
  const matcher = compileActionMatcher({ negated, values });
  // The caller lower-cases the request's action once, as evaluate does.
  return (action) => matcher(action.toLowerCase());
}

function template(text: string): TemplateValue {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return { text, parts: parsed.parts, hasVariables: parsed.hasVariables };
}

function resourceMatcher(values: string[], context: Record<string, string> = {}, negated = false): (resource: string) => boolean {
  const matcher = compileResourceMatcher({ negated, values: values.map(template) });
  const read = RequestContext.from(context);
  return (resource) => matcher(toArnTarget(resource), read);
}

describe('compileActionMatcher', () => {
  it('a name without wildcards is compared whole, case-insensitively', () => {
    // AWS: reference_policies_elements_action.html — action names are case-insensitive ("iam:ListAccessKeys is the same as IAM:listaccesskeys")
    const matches = actionMatcher(['S3:GetObject']);
    expect(matches('s3:getobject')).toBe(true);
    expect(matches('S3:GETOBJECT')).toBe(true);
    expect(matches('s3:GetObjectAcl')).toBe(false);
    expect(matches('s3:GetObjec')).toBe(false);
  });

  it('"*" among the names matches every action; under NotAction, none', () => {
    expect(actionMatcher(['s3:GetObject', '*'])('ec2:RunInstances')).toBe(true);
    expect(actionMatcher(['*'], true)('ec2:RunInstances')).toBe(false);
  });

  it('* is any run of characters, ? exactly one, in any case', () => {
    const matches = actionMatcher(['s3:Get*', 'iam:?etUser', 'ec2:Describe*s']);
    expect(matches('s3:Get')).toBe(true);
    expect(matches('S3:GETBUCKETPOLICY')).toBe(true);
    expect(matches('iam:GetUser')).toBe(true);
    expect(matches('iam:SetUser')).toBe(true);
    expect(matches('iam:etUser')).toBe(false);
    expect(matches('iam:GGetUser')).toBe(false);
    expect(matches('ec2:DescribeInstances')).toBe(true);
    expect(matches('ec2:DescribeInstance')).toBe(false);
  });

  it('exact names and patterns together; NotAction is the complement', () => {
    const names = ['s3:PutObject', 'iam:*User'];
    for (const action of ['s3:PutObject', 'iam:CreateUser', 'iam:CreateRole', 's3:GetObject']) {
      expect(actionMatcher(names, true)(action)).toBe(!actionMatcher(names)(action));
    }
    expect(actionMatcher(names)('IAM:DELETEUSER')).toBe(true);
  });

  it('an empty Action list matches nothing', () => {
    expect(actionMatcher([])('s3:GetObject')).toBe(false);
  });

  it('agrees with a case-insensitive RegExp over random names and patterns', () => {
    const piece = fc.constantFrom('s3', 'S3', 'iam', ':', 'Get', 'get', 'Object', '*', '?', 'x');
    const word = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
    const toRegExp = (pattern: string) =>
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        'is',
      );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), word, fc.boolean(), (patterns, action, negated) => {
        fc.pre(!/[*?]/.test(action));
        const expected = patterns.some((pattern) => toRegExp(pattern).test(action)) !== negated;
        expect(actionMatcher(patterns, negated)(action)).toBe(expected);
      }),
      { seed: 17, numRuns: 5000 },
    );
  });
});

describe('compileResourceMatcher', () => {
  it('resource ARNs match case-sensitively', () => {
    // AWS: reference_policies_elements_resource.html — ARNs are case-sensitive
    const matches = resourceMatcher(['arn:aws:s3:::bucket/A.txt']);
    expect(matches('arn:aws:s3:::bucket/A.txt')).toBe(true);
    expect(matches('arn:aws:s3:::bucket/a.txt')).toBe(false);
    expect(matches('arn:aws:s3:::Bucket/A.txt')).toBe(false);
  });

  it('policy variables are resolved from the request; a variable with no value matches nothing', () => {
    // AWS: reference_policies_variables.html — "If there is no value for the variable … the element will not match any resource"
    const pattern = ['arn:aws:s3:::bucket/home/${aws:username}/*'];
    expect(resourceMatcher(pattern, { 'aws:username': 'alice' })('arn:aws:s3:::bucket/home/alice/notes.txt')).toBe(true);
    expect(resourceMatcher(pattern, { 'aws:username': 'bob' })('arn:aws:s3:::bucket/home/alice/notes.txt')).toBe(false);
    expect(resourceMatcher(pattern)('arn:aws:s3:::bucket/home/alice/notes.txt')).toBe(false);
  });

  it("a variable's default applies when the key is absent, and its value is literal text, not a pattern", () => {
    const pattern = ["arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*"];
    expect(resourceMatcher(pattern)('arn:aws:s3:::bucket/shared/x')).toBe(true);
    expect(resourceMatcher(pattern, { 'aws:PrincipalTag/team': '*' })('arn:aws:s3:::bucket/red/x')).toBe(false);
    expect(resourceMatcher(pattern, { 'aws:PrincipalTag/team': '*' })('arn:aws:s3:::bucket/*/x')).toBe(true);
  });

  it('${*} and ${?} are literal characters', () => {
    const matches = resourceMatcher(['arn:aws:s3:::bucket/${*}${?}']);
    expect(matches('arn:aws:s3:::bucket/*?')).toBe(true);
    expect(matches('arn:aws:s3:::bucket/ab')).toBe(false);
  });

  it('literal, wildcard and templated patterns together; NotResource is the complement', () => {
    const patterns = ['arn:aws:s3:::exact', 'arn:aws:s3:::logs/*', 'arn:aws:s3:::home/${aws:username}'];
    const context = { 'aws:username': 'alice' };
    for (const resource of ['arn:aws:s3:::exact', 'arn:aws:s3:::logs/1', 'arn:aws:s3:::home/alice', 'arn:aws:s3:::home/bob', '*']) {
      expect(resourceMatcher(patterns, context, true)(resource)).toBe(!resourceMatcher(patterns, context)(resource));
    }
    expect(resourceMatcher(patterns, context)('arn:aws:s3:::home/alice')).toBe(true);
  });

  it('a statement without Resource (a role trust policy) applies to its role', () => {
    expect(compileResourceMatcher(undefined)(toArnTarget('arn:aws:iam::111122223333:role/x'), RequestContext.EMPTY)).toBe(true);
  });
});
