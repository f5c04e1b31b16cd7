import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from './runner.js';

/** A parent that ignores SIGTERM (as npx does not pass it on) and a grandchild that records it and exits 143. */
const PARENT = `
const { spawn } = require('node:child_process');
process.on('SIGTERM', () => {});
const c = spawn(process.execPath, ['-e', process.argv[1]], { stdio: 'inherit' });
c.on('exit', (code) => process.exit(code ?? 1));
`;
const GRANDCHILD = (marker: string) => `
process.on('SIGTERM', () => { require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'stopped'); process.exit(143); });
console.log(['grandchild', 'up'].join(' '));
setInterval(() => {}, 1000);
`;

describe('runCommand', () => {
  it('logs the command and its output, and returns the exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-runner-'));
    const r = await runCommand(['-e', 'console.log("hello"); process.exit(4)'], {
      cwd: dir,
      logFile: join(dir, 'step.log'),
      prefix: [process.execPath],
    });
    expect(r.code).toBe(4);
    expect(r.stoppedBy).toBeNull();
    const log = readFileSync(join(dir, 'step.log'), 'utf8');
    expect(log).toContain('hello');
    expect(log).toContain('exit 4');
  });
  it('passes SIGTERM to the whole process group of the command (also past a parent that drops it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exp-runner-'));
    const marker = join(dir, 'grandchild-stopped');
    const running = runCommand(['-e', PARENT, GRANDCHILD(marker)], {
      cwd: dir,
      logFile: join(dir, 'step.log'),
      prefix: [process.execPath],
    });
    const t0 = Date.now();
    const log = join(dir, 'step.log');
    while (
      !(existsSync(log) && readFileSync(log, 'utf8').includes('grandchild up')) &&
      Date.now() - t0 < 20_000
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    process.emit('SIGTERM', 'SIGTERM'); // what the experiment's process receives
    const r = await running;
    expect(r.stoppedBy).toBe('SIGTERM');
    expect(r.code).toBe(143);
    expect(existsSync(marker)).toBe(true);
  });
});
