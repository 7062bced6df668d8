import { describe, expect, it, vi } from 'vitest';
import { createCompiledOperations } from './create-compiled-operations.js';
import { executeOperation } from './execute-operation.js';
import type { ServerContext } from './graphql-context.js';
import { createLogger } from './logger.js';
import type { PostedOperation } from './posted-operation.js';
import { createWardenYoga } from './yoga.js';

/**
 * A refused request reads nothing of its context but what masking would log with; no resolver runs,
 * so no IAM service is needed.
 */
const context = { requestFacts: { requestId: 'test' }, logger: createLogger('silent') } as unknown as ServerContext;

const NUL = '\u0000';
const BATCH = 'query($r: [AuthorizeInput!]!) { authorizeBatch(input: { requests: $r }) { __typename ... on AuthorizeBatchSuccess { data { allowed decision reason } } } }';
const checks = (count: number, principal = 'arn:aws:iam::111122223333:user/a') => Array.from({ length: count }, () => ({ principal, action: 'iam:GetUser', resource: '*' }));

/** `query { ...F0 } fragment F0 on Query { ...F1 ...F1 } …`: over the cost limit whatever its variables. */
function fragmentBomb(levels: number): string {
  let text = 'query { ...F0 }';
  for (let level = 0; level < levels - 1; level++) text += ` fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`;
  return `${text} fragment F${levels - 1} on Query { __typename }`;
}

describe('executeOperation and the limits a request’s variables decide', () => {
  it.each<[string, PostedOperation, RegExp]>([
    ['over the cost limit by its variables', { query: BATCH, variables: { r: checks(5000) } }, /^The operation costs \d+; the cost limit is 25000\./],
    ['over the cost limit whatever its variables', { query: fragmentBomb(20) }, /^The operation costs 524288; the cost limit is 25000\./],
    ['over the cost limit, with a NUL character in its variables', { query: BATCH, variables: { r: [...checks(4999), ...checks(1, NUL)] } }, /^The variable \$r contains a NUL character/],
    ['within the cost limit, with a NUL character in its variables', { query: BATCH, variables: { r: checks(1, NUL) } }, /^The variable \$r contains a NUL character/],
  ])('answers a request %s on the compiled path, once, as yoga alone answers it', async (_label, operation, message) => {
    const yoga = createWardenYoga();
    const operations = createCompiledOperations();
    // Twice: the second time the operation is remembered.
    for (const attempt of [1, 2]) {
      const handedToYoga = vi.spyOn(yoga, 'getResultForParams');
      const result = await executeOperation({ yoga, operations }, operation, context);
      expect(handedToYoga, `attempt ${attempt}`).not.toHaveBeenCalled();
      handedToYoga.mockRestore();
      expect(JSON.stringify(result)).toBe(JSON.stringify(await executeOperation({ yoga: createWardenYoga() }, operation, context)));
      expect(result).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(message) as string })] });
    }
    expect(operations.answers(operation)).toBe(true);
  });
});
