import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isSignInOnly } from './anonymous-operation.js';

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

describe('isSignInOnly', () => {
  it('admits a mutation of signIn alone', () => {
    expect(isSignInOnly('mutation { signIn(input: {account: "a", userName: "b", password: "c"}) { __typename } }', undefined)).toBe(true);
    expect(isSignInOnly('mutation S($i: SignInInput!) { __typename signIn(input: $i) { __typename } }', 'S')).toBe(true);
    expect(isSignInOnly('mutation S($i: SignInInput!) { signIn(input: $i) { __typename } }', '')).toBe(true);
    expect(isSignInOnly('mutation S($i: SignInInput!) { signIn(input: $i) { __typename } }', null)).toBe(true);
  });

  it('refuses anything that reaches further', () => {
    expect(isSignInOnly('mutation { signIn(input: {}) { __typename } createUser(input: {userName: "x"}) { __typename } }', undefined)).toBe(false);
    expect(isSignInOnly('query { users { __typename } }', undefined)).toBe(false);
    expect(isSignInOnly('mutation { ...F } fragment F on Mutation { createUser(input: {userName: "x"}) { __typename } }', undefined)).toBe(false);
    expect(isSignInOnly('mutation A { signIn(input: {}) { __typename } } mutation B { deleteUser(input: {userName: "x"}) { __typename } }', 'B')).toBe(false);
    expect(isSignInOnly('mutation A { signIn(input: {}) { __typename } } mutation B { signIn(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isSignInOnly('mutation { signIn(', undefined)).toBe(false);
    expect(isSignInOnly('mutation { a: signIn(input: {}) { __typename } b: signIn(input: {}) { __typename } }', undefined)).toBe(false);
    expect(isSignInOnly('mutation { __typename }', undefined)).toBe(false);
    expect(isSignInOnly('mutation A { signIn(input: {}) { __typename } }', 'B')).toBe(false);
    expect(isSignInOnly('mutation A { signIn(input: {}) { __typename } }', 'A\nmutation')).toBe(false);
  });

  it('parses a text once, and answers it again from memory, for each operation name', () => {
    const query = own('mutation A { signIn(input: {}) { __typename } } mutation B { deleteUser(input: {userName: "x"}) { __typename } }');
    for (const attempt of [1, 2, 3]) {
      expect(isSignInOnly(query, 'A'), `attempt ${attempt}`).toBe(true);
      expect(isSignInOnly(query, 'B'), `attempt ${attempt}`).toBe(false);
      expect(isSignInOnly(query, undefined), `attempt ${attempt}`).toBe(false);
    }
    expect(parsed).toEqual([query, query, query]);
  });

  it('never takes one name and text for another that would make the same key', () => {
    // Unnamed `B\n<query>` and the query named B: the second is not a sign-in, the first is.
    const query = own('mutation { signIn(input: {}) { __typename } }');
    expect(isSignInOnly(`mutation B { deleteUser(input: {userName: "x"}) { __typename } }\n${query}`, undefined)).toBe(false);
    expect(isSignInOnly(query, 'B')).toBe(false);
    expect(isSignInOnly(`B\n${query}`, undefined)).toBe(false);
    expect(isSignInOnly(query, undefined)).toBe(true);
  });

  it('refuses a text over the document size limit, or an operation name no document has, without parsing it', () => {
    const padded = `mutation { signIn(input: {}) { __typename } } #${'x'.repeat(70_000)}`;
    expect(isSignInOnly(padded, undefined)).toBe(false);
    expect(isSignInOnly(own('mutation { signIn(input: {}) { __typename } }'), 'not a name')).toBe(false);
    expect(parsed).toEqual([]);
  });

  it('answers a long text within the size limit as any other, without keeping it', () => {
    const long = own(`mutation { signIn(input: {}) { __typename } } #${'x'.repeat(20_000)}`);
    expect(isSignInOnly(long, undefined)).toBe(true);
    expect(isSignInOnly(long, undefined)).toBe(true);
    expect(parsed).toEqual([long, long]);
  });
});
