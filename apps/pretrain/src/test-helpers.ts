/** Shared by the pretrain app's end-to-end tests: spawn `pnpm pretrain` as the root script runs it. */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = resolve(HERE, '../../..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const MAIN = join(HERE, 'main.ts');

/**
 * Run the pretrain app in a child (tsx with the source condition, cwd the repo root, no INIT_CWD); stdout is
 * discarded, stderr collected.
 * @example
 * const { code, stderr } = await spawnPretrain(['--help']);
 */
export function spawnPretrain(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env.INIT_CWD;
  const child = spawn(process.execPath, [TSX, '--conditions=@bigs/source', MAIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res) => child.on('close', (code) => res({ code, stderr })));
}
