import { describe, expect, it } from 'vitest';
import { QueryRequestError } from './aws-errors.js';
import { QueryParameters } from './query-parameters.js';

function failure(run: () => unknown): QueryRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof QueryRequestError) return error;
    throw error;
  }
  throw new Error('expected a QueryRequestError');
}

describe('QueryParameters', () => {
  it('decodes a form body, + as a space and percent-escapes as UTF-8', () => {
    const params = QueryParameters.parse('Action=CreateUser&UserName=a%2Bb+c&Path=%2F%C3%A9t%C3%A9%2F');
    expect([params.required('Action'), params.required('UserName'), params.optional('Path')]).toEqual(['CreateUser', 'a+b c', '/été/']);
  });

  it('reads member.N lists in order, up to the first gap', () => {
    const params = QueryParameters.parse('TagKeys.member.2=b&TagKeys.member.1=a&TagKeys.member.4=d');
    expect(params.list('TagKeys')).toEqual(['a', 'b']);
    expect(params.list('Other')).toEqual([]);
  });

  it('reads Tags.member.N.Key/Value and refuses a key without its value', () => {
    expect(QueryParameters.parse('Tags.member.1.Key=team&Tags.member.1.Value=&Tags.member.2.Key=env&Tags.member.2.Value=prod').tags('Tags')).toEqual([
      { key: 'team', value: '' },
      { key: 'env', value: 'prod' },
    ]);
    const error = failure(() => QueryParameters.parse('Tags.member.1.Key=team').tags('Tags'));
    expect([error.code, error.status, error.message]).toEqual([
      'ValidationError',
      400,
      "1 validation error detected: Value null at 'tags.member.1.Value' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it("reads STS's PolicyArns.member.N.arn", () => {
    expect(QueryParameters.parse('PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess').policyArns('PolicyArns')).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  it("reads the simulators' ContextEntries: a list type keeps its list, any other its one value", () => {
    const params = QueryParameters.parse(
      [
        'ContextEntries.member.1.ContextKeyName=aws%3ASourceIp',
        'ContextEntries.member.1.ContextKeyValues.member.1=10.1.2.3',
        'ContextEntries.member.1.ContextKeyType=ip',
        'ContextEntries.member.2.ContextKeyName=aws%3ATagKeys',
        'ContextEntries.member.2.ContextKeyValues.member.1=a',
        'ContextEntries.member.2.ContextKeyValues.member.2=b',
        'ContextEntries.member.2.ContextKeyType=stringList',
      ].join('&'),
    );
    expect(params.contextEntries('ContextEntries')).toEqual({ 'aws:SourceIp': '10.1.2.3', 'aws:TagKeys': ['a', 'b'] });
    const twoValues =
      'ContextEntries.member.1.ContextKeyName=k&ContextEntries.member.1.ContextKeyValues.member.1=a&ContextEntries.member.1.ContextKeyValues.member.2=b&ContextEntries.member.1.ContextKeyType=string';
    expect(failure(() => QueryParameters.parse(twoValues).contextEntries('ContextEntries')).code).toBe('ValidationError');
  });

  it('answers ValidationError in AWS words for a missing member, a number out of bounds, a boolean that is not one', () => {
    expect(failure(() => QueryParameters.parse('').required('UserName')).message).toBe("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
    expect(failure(() => QueryParameters.parse('MaxItems=0').integer('MaxItems', 1, 1000)).message).toBe(
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(failure(() => QueryParameters.parse('MaxItems=1001').integer('MaxItems', 1, 1000)).message).toContain('less than or equal to 1000');
    expect(failure(() => QueryParameters.parse('MaxItems=ten').integer('MaxItems', 1, 1000)).message).toContain('Member must be a number');
    expect(failure(() => QueryParameters.parse('SetAsDefault=yes').boolean('SetAsDefault')).code).toBe('ValidationError');
    expect(QueryParameters.parse('SetAsDefault=true').boolean('SetAsDefault')).toBe(true);
  });
});
