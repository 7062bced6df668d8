import { describe, expect, it } from 'vitest';
import { AnswerCoalescer } from './answer-coalescer.js';

const endOfIteration = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AnswerCoalescer', () => {
  it('writes the answers of requests read in this iteration together, in order, at its end', async () => {
    const answers = new AnswerCoalescer(() => undefined);
    const written: string[] = [];
    const a = answers.arrived();
    const b = answers.arrived();
    answers.answer(a, () => written.push('a'));
    answers.answer(b, () => written.push('b'));
    expect(written).toEqual([]);
    await endOfIteration();
    expect(written).toEqual(['a', 'b']);
  });

  it('writes at once an answer whose request was read in an earlier iteration (it waited for I/O)', async () => {
    const answers = new AnswerCoalescer(() => undefined);
    const written: string[] = [];
    const early = answers.arrived();
    await endOfIteration();
    answers.answer(early, () => written.push('early'));
    expect(written).toEqual(['early']);
  });

  it("writes the iteration's other answers when one throws, and reports the error", async () => {
    const errors: unknown[] = [];
    const answers = new AnswerCoalescer((error) => errors.push(error));
    const written: string[] = [];
    const arrived = answers.arrived();
    answers.answer(arrived, () => {
      throw new Error('disk full');
    });
    answers.answer(arrived, () => written.push('second'));
    await endOfIteration();
    expect(written).toEqual(['second']);
    expect(errors).toEqual([new Error('disk full')]);
  });

  it('defers within each iteration, iteration after iteration', async () => {
    const answers = new AnswerCoalescer(() => undefined);
    const written: number[] = [];
    for (let round = 0; round < 3; round++) {
      const arrived = answers.arrived();
      answers.answer(arrived, () => written.push(round));
      expect(written).toHaveLength(round);
      await endOfIteration();
      expect(written).toHaveLength(round + 1);
    }
  });
});
