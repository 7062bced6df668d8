import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isUnsignedOperation } from './anonymous-operation.js';

/** Every text the check parses, to see what it parses again and what not at all. */
const parsed = vi.hoisted((): string[] => []);
vi.mock('./operation-limits.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./operation-limits.js')>();
  return {
    ...original,
    parseWithinLimits: (...args: Parameters<typeof original.parseWithinLimits>) => {
      parsed.push(typeof args[0] === 'string' ? args[0] : args[0].body);
      return original.parseWithinLimits(...args);
    },
  };
});

/** Each test's texts its own (the answers are remembered across tests), by a comment. */
let run = 0;
beforeEach(() => {
  run++;
  parsed.length = 0;
});
const own = (query: string) => `${query} # ${run}`;

describe('isUnsignedOperation', () => {
  it('admits a mutation of signIn alone', () => {
    expect(isUnsignedOperation('mutation { signIn(input: {account: "a", userName: "b", password: "c"}) { __typename } }', undefined)).toBe(true);
    expect(isUnsignedOperation('mutation S($i: SignInInput!) { __typename signIn(input: $i) { __typename } }', 'S')).toBe(true);
    expect(isUnsignedOperation('mutation S($i: SignInInput!) { signIn(input: $i) { __typename } }', '')).toBe(true);
    expect(isUnsignedOperation('mutation S($i: SignInInput!) { signIn(input: $i) { __typename } }', null)).toBe(true);
  });

  it('admits a mutation of assumeRoleWithWebIdentity alone, the other operation of the allow-list', () => {
    expect(isUnsignedOperation('mutation W($i: AssumeRoleWithWebIdentityInput!) { assumeRoleWithWebIdentity(input: $i) { __typename } }', 'W')).toBe(true);
    expect(isUnsignedOperation('mutation { __typename assumeRoleWithWebIdentity(input: {}) { __typename } }', undefined)).toBe(true);
    // One operation per request, whichever: not two, not one of each, not with anything else.
    expect(isUnsignedOperation('mutation { a: assumeRoleWithWebIdentity(input: {}) { __typename } b: assumeRoleWithWebIdentity(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { signIn(input: {}) { __typename } assumeRoleWithWebIdentity(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { assumeRoleWithWebIdentity(input: {}) { __typename } assumeRole(input: {}) { __typename } }', undefined)).toBe(false);
    // Signed-only STS operations stay signed.
    expect(isUnsignedOperation('mutation { assumeRole(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { getSessionToken(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('query { assumeRoleWithWebIdentity { __typename } }', undefined)).toBe(false);
  });

  it('refuses anything that reaches further', () => {
    expect(isUnsignedOperation('mutation { signIn(input: {}) { __typename } createUser(input: {userName: "x"}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('query { users { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { ...F } fragment F on Mutation { createUser(input: {userName: "x"}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation A { signIn(input: {}) { __typename } } mutation B { deleteUser(input: {userName: "x"}) { __typename } }', 'B')).toBe(false);
    expect(isUnsignedOperation('mutation A { signIn(input: {}) { __typename } } mutation B { signIn(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { signIn(', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { a: signIn(input: {}) { __typename } b: signIn(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation { __typename }', undefined)).toBe(false);
    expect(isUnsignedOperation('mutation A { signIn(input: {}) { __typename } }', 'B')).toBe(false);
    expect(isUnsignedOperation('mutation A { signIn(input: {}) { __typename } }', 'A\nmutation')).toBe(false);
  });

  it('parses a text once, and answers it again from memory, for each operation name', () => {
    const query = own('mutation A { signIn(input: {}) { __typename } } mutation B { deleteUser(input: {userName: "x"}) { __typename } }');
    for (const attempt of [1, 2, 3]) {
      expect(isUnsignedOperation(query, 'A'), `attempt ${attempt}`).toBe(true);
      expect(isUnsignedOperation(query, 'B'), `attempt ${attempt}`).toBe(false);
      expect(isUnsignedOperation(query, undefined), `attempt ${attempt}`).toBe(false);
    }
    expect(parsed).toEqual([query, query, query]);
  });

  it('never takes one name and text for another that would make the same key', () => {
    // Unnamed `B\n<query>` and the query named B: the second is not a sign-in, the first is.
    const query = own('mutation { signIn(input: {}) { __typename } }');
    expect(isUnsignedOperation(`mutation B { deleteUser(input: {userName: "x"}) { __typename } }\n${query}`, undefined)).toBe(false);
    expect(isUnsignedOperation(query, 'B')).toBe(false);
    expect(isUnsignedOperation(`B\n${query}`, undefined)).toBe(false);
    expect(isUnsignedOperation(query, undefined)).toBe(true);
  });

  it('refuses a text over the document size limit, or an operation name no document has, without parsing it', () => {
    const padded = `mutation { signIn(input: {}) { __typename } } #${'x'.repeat(70_000)}`;
    expect(isUnsignedOperation(padded, undefined)).toBe(false);
    expect(isUnsignedOperation(own('mutation { signIn(input: {}) { __typename } }'), 'not a name')).toBe(false);
    expect(parsed).toEqual([]);
  });

  it('answers a long text within the size limit as any other, without keeping it', () => {
    const long = own(`mutation { signIn(input: {}) { __typename } } #${'x'.repeat(20_000)}`);
    expect(isUnsignedOperation(long, undefined)).toBe(true);
    expect(isUnsignedOperation(long, undefined)).toBe(true);
    expect(parsed).toEqual([long, long]);
  });
});
