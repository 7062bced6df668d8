import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WARDEN_ACTIONS, WARDEN_ACTIONS_END, WARDEN_ACTIONS_START, wardenActionsMarkdown } from './warden-actions.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPOSITORY = resolve(HERE, '..', '..', '..', '..');
/** Every package's source: where an action can be authorized or named. */
const SOURCE_ROOTS = ['services/policy/src', 'services/iam/src', 'services/api/src', 'schema/src', 'workers/src', 'db/src'].map((root) => join(REPOSITORY, root));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const sources = SOURCE_ROOTS.flatMap(sourceFiles).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const declared = new Set<string>(Object.values(WARDEN_ACTIONS).map((entry) => entry.action));

describe("Warden's own actions", () => {
  it("are the README's table, as generated from the list (regenerate the table when the list changes)", () => {
    const readme = readFileSync(join(REPOSITORY, 'README.md'), 'utf8');
    const start = readme.indexOf(WARDEN_ACTIONS_START);
    const end = readme.indexOf(WARDEN_ACTIONS_END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start, end + WARDEN_ACTIONS_END.length)).toBe(wardenActionsMarkdown());
  });

  it('name every warden: action the source names: an action authorized but not declared (so not in the README) fails here', () => {
    const named = new Set(sources.flatMap(({ text }) => [...text.matchAll(/warden:[A-Z][A-Za-z]*/g)].map((match) => match[0])));
    expect([...named].filter((action) => !declared.has(action))).toEqual([]);
  });

  it('are each authorized somewhere, through the list: a declared action no code uses fails here', () => {
    const outside = sources.filter(({ path }) => !path.endsWith(join('warden-actions', 'warden-actions.ts')));
    const unused = Object.keys(WARDEN_ACTIONS).filter((name) => !outside.some(({ text }) => text.includes(`WARDEN_ACTIONS.${name}.action`)));
    expect(unused).toEqual([]);
  });
});
