import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_ACTIONS_END, SUPPORTED_ACTIONS_START, supportedActionsMarkdown } from './supported-actions.js';

const README = new URL('../../../../README.md', import.meta.url);

describe("the README's table of supported AWS actions", () => {
  it('is the one generated from the action table (paste the expected text between the markers when it differs)', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(SUPPORTED_ACTIONS_START);
    const end = readme.indexOf(SUPPORTED_ACTIONS_END);
    expect(start, 'the README has the start marker').toBeGreaterThanOrEqual(0);
    expect(end, 'the README has the end marker after it').toBeGreaterThan(start);
    expect(readme.slice(start, end + SUPPORTED_ACTIONS_END.length)).toBe(supportedActionsMarkdown());
  });
});
