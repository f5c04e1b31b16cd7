/**
 * No exported name means two things: a name exported by more than one `@bigs/*` package must be the same
 * definition (re-exported), never two declarations (tools/scripts/check-exported-names.mjs).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExportConflicts, libraryEntries } from '../../../tools/scripts/check-exported-names.mjs';

/** A throw-away repository with one package per `[folder, index.ts source]`. */
function fixtureRepo(packages: [string, string][]): string {
  const root = mkdtempSync(join(tmpdir(), 'bigs-exports-'));
  for (const [dir, source] of packages) {
    mkdirSync(join(root, 'packages', dir, 'src'), { recursive: true });
    const manifest = { name: `@bigs/${dir}`, exports: { '.': { '@bigs/source': './src/index.ts' } } };
    writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
    writeFileSync(join(root, 'packages', dir, 'src', 'index.ts'), source);
  }
  return root;
}

describe('exported names', () => {
  it('the check finds a name two packages define differently (and not a name only one defines)', () => {
    const root = fixtureRepo([
      ['a', 'export type Rng = { next(): number };\nexport const onlyA = 1;\n'],
      ['b', 'export class Rng {}\n'],
    ]);
    const conflicts = findExportConflicts(root);
    expect(conflicts.map((c) => c.name)).toEqual(['Rng']);
    expect(conflicts[0]!.definitions.map((d) => d.pkg)).toEqual(['@bigs/a', '@bigs/b']);
  });

  it('every name exported by the library packages has one definition', () => {
    expect(libraryEntries().length).toBeGreaterThan(5);
    const conflicts = findExportConflicts().map(
      (c) => `${c.name}: ${c.definitions.map((d) => `${d.pkg} (${d.definition})`).join(', ')}`,
    );
    expect(conflicts, 'rename one of them, or re-export the other package’s definition').toEqual([]);
  });
});
