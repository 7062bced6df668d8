import { describe, expect, it } from 'vitest';
import { isSignInOnly } from './anonymous-operation.js';

describe('isSignInOnly', () => {
  it('admits a mutation of signIn alone', () => {
    expect(isSignInOnly('mutation { signIn(input: {account: "a", userName: "b", password: "c"}) { __typename } }', undefined)).toBe(true);
    expect(isSignInOnly('mutation S($i: SignInInput!) { __typename signIn(input: $i) { __typename } }', 'S')).toBe(true);
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
  });
});
