import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shape of `src/` that docs/architecture.md describes, checked on the source text: folders
 * import each other without cycles, the kernel imports no feature, and no feature imports another
 * feature's operations (they reach each other's behaviour through deciders, lookups, or an
 * interface that IamService wires).
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');
/** The composition root: `src/*.ts` outside any folder wires the features and may import them all. */
const ROOT = '(root)';

interface Import {
  readonly from: string;
  readonly fromFolder: string;
  readonly target: string;
  readonly targetFolder: string;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : ROOT;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => {
    const target = resolve(dirname(file), match[1]!).replace(/\.js$/, '.ts');
    return { from: relative(SRC, file), fromFolder: folderOf(file), target: relative(SRC, target), targetFolder: folderOf(target) };
  });
}

const imports = sourceFiles(SRC).flatMap(importsOf);
const crossFolder = imports.filter((edge) => edge.fromFolder !== edge.targetFolder);

/** Folders on a cycle, found by depth-first search over the folder graph; each cycle as a path. */
function folderCycles(): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of crossFolder) {
    if (!next.has(edge.fromFolder)) next.set(edge.fromFolder, new Set());
    next.get(edge.fromFolder)!.add(edge.targetFolder);
  }
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): void => {
    const at = path.indexOf(folder);
    if (at >= 0) {
      cycles.push([...path.slice(at), folder]);
      return;
    }
    if (done.has(folder)) return;
    for (const target of next.get(folder) ?? []) visit(target, [...path, folder]);
    done.add(folder);
  };
  for (const folder of next.keys()) visit(folder, []);
  return cycles;
}

describe("the iam package's folders", () => {
  it('are read: the check sees the folders and imports it is about', () => {
    const folders = new Set(imports.map((edge) => edge.fromFolder));
    for (const folder of ['kernel', 'service', 'authorization', 'users', 'policy-holders', 'sign-in', ROOT]) expect(folders).toContain(folder);
    expect(crossFolder.length).toBeGreaterThan(100);
  });

  it('import each other without a cycle', () => {
    expect(folderCycles()).toEqual([]);
  });

  it('never import the composition root, and the kernel imports no other folder', () => {
    expect(crossFolder.filter((edge) => edge.targetFolder === ROOT).map((edge) => `${edge.from} → ${edge.target}`)).toEqual([]);
    expect(crossFolder.filter((edge) => edge.fromFolder === 'kernel').map((edge) => `${edge.from} → ${edge.target}`)).toEqual([]);
  });

  it("never import another feature's operations", () => {
    // The one exception is the family base: users, groups and roles extend the policy holders' operations.
    const familyBase = (edge: Import): boolean => edge.target === 'policy-holders/policy-holder-operations.ts' && ['users', 'groups', 'roles'].includes(edge.fromFolder);
    const offending = crossFolder.filter((edge) => edge.fromFolder !== ROOT && /-operations\.ts$/.test(edge.target) && !familyBase(edge));
    expect(offending.map((edge) => `${edge.from} → ${edge.target}`)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    crossFolder.push({ from: 'kernel/decider.ts', fromFolder: 'kernel', target: 'users/user.decider.ts', targetFolder: 'users' });
    try {
      expect(folderCycles().length).toBeGreaterThan(0);
    } finally {
      crossFolder.pop();
    }
  });
});
