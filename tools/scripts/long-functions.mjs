#!/usr/bin/env node
/**
 * Lists the non-test functions longer than a limit (default 80 lines), measured from the line a function starts
 * on to the line it ends on, using the TypeScript compiler's parser. Functions, methods, constructors, accessors,
 * arrow functions and function expressions all count; a nested function counts on its own and inside its parent.
 * Skipped: `*.test.ts`, `*.d.ts`, `test-utils/`, `test/`, `node_modules/`, `dist/`.
 *
 *   node tools/scripts/long-functions.mjs [--limit N] [DIR ...]   (default DIRs: packages/*\/src)
 *
 * Exit code 1 when any function is over the limit. `findLongFunctions` is what the repository test uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_LIMIT = 80;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test-utils', 'test', 'build', '.turbo']);

/** The `src` folders of every workspace under `group` (`packages` or `apps`). */
export function sourceDirs(group) {
  const base = join(ROOT, group);
  return readdirSync(base)
    .map((name) => join(base, name, 'src'))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* sourceFiles(path);
    } else if (/\.(ts|tsx|mts)$/.test(entry.name) && !/\.(test|d)\.[mc]?tsx?$/.test(entry.name)) {
      yield path;
    }
  }
}

function nameOf(node, sf) {
  if (node.name) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))) {
    return p.name.getText(sf);
  }
  return '(anonymous)';
}

/** Functions of one file longer than `limit` lines: `{ file, line, name, lines }`. */
export function longFunctionsIn(path, limit = DEFAULT_LIMIT) {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit)
        out.push({ file: relative(ROOT, path), line: start + 1, name: nameOf(node, sf), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every function over `limit` lines in the non-test sources under `dirs`, longest first. */
export function findLongFunctions(dirs, limit = DEFAULT_LIMIT) {
  const out = [];
  for (const dir of dirs) for (const file of sourceFiles(dir)) out.push(...longFunctionsIn(file, limit));
  return out.sort((a, b) => b.lines - a.lines);
}

function main(argv) {
  let limit = DEFAULT_LIMIT;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') limit = Number(argv[++i]);
    else dirs.push(resolve(argv[i]));
  }
  if (!(Number.isInteger(limit) && limit > 0)) {
    process.stderr.write('long-functions: --limit needs a positive integer\n');
    return 2;
  }
  const found = findLongFunctions(dirs.length > 0 ? dirs : sourceDirs('packages'), limit);
  for (const f of found) process.stdout.write(`${f.lines}\t${f.file}:${f.line}\t${f.name}\n`);
  process.stderr.write(`${found.length} function(s) over ${limit} lines\n`);
  return found.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
