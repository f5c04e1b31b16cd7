#!/usr/bin/env node
/**
 * No exported name means two things: lists every name that more than one `@bigs/*` library package exports from its
 * entry point with a different definition (a re-export of the same declaration is one definition). Uses the
 * TypeScript compiler: each export is followed through its re-exports to the declaration it names.
 *
 *   node tools/scripts/check-exported-names.mjs
 *
 * Exit code 1 when a name has two definitions. `findExportConflicts` is what the repository test uses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The TypeScript entry of a package (`exports["."]["@bigs/source"]`, its Node form), or null. */
function sourceEntry(pkg) {
  const src = pkg.exports?.['.']?.['@bigs/source'];
  if (typeof src === 'string') return src;
  if (src && typeof src === 'object' && typeof src.default === 'string') return src.default;
  return null;
}

/** `{ name, entry }` of every `@bigs/*` package under packages/ with a TypeScript entry. */
export function libraryEntries(root = ROOT) {
  const out = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const entry = sourceEntry(pkg);
    if (typeof pkg.name === 'string' && pkg.name.startsWith('@bigs/') && entry) {
      out.push({ name: pkg.name, entry: resolve(root, 'packages', dir, entry) });
    }
  }
  return out;
}

/** Where a symbol is declared, as `file:line` (the identity of a definition). */
function definitionOf(checker, symbol, root) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const decl = target.declarations?.[0];
  if (!decl) return `(no declaration) ${target.name}`;
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart(sf));
  return `${relative(root, sf.fileName)}:${line + 1}`;
}

/**
 * Every exported name with more than one definition across the library packages:
 * `[{ name, definitions: [{ pkg, definition }] }]` (empty when each name means one thing).
 */
export function findExportConflicts(root = ROOT) {
  const entries = libraryEntries(root);
  const program = ts.createProgram(
    entries.map((e) => e.entry),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['@bigs/source'],
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const byName = new Map();
  for (const { name: pkg, entry } of entries) {
    const sf = program.getSourceFile(entry);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) throw new Error(`check-exported-names: cannot read the exports of ${pkg} (${entry})`);
    for (const sym of checker.getExportsOfModule(moduleSymbol)) {
      const defs = byName.get(sym.name) ?? [];
      defs.push({ pkg, definition: definitionOf(checker, sym, root) });
      byName.set(sym.name, defs);
    }
  }
  const conflicts = [];
  for (const [name, definitions] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    if (new Set(definitions.map((d) => d.definition)).size > 1) conflicts.push({ name, definitions });
  }
  return conflicts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const conflicts = findExportConflicts();
  for (const c of conflicts) {
    console.log(`${c.name}: ${c.definitions.map((d) => `${d.pkg} (${d.definition})`).join(', ')}`);
  }
  if (conflicts.length > 0) {
    console.error(`${conflicts.length} exported name(s) have more than one definition: rename or share one.`);
    process.exit(1);
  }
  console.log('every exported name of the @bigs packages has one definition');
}
