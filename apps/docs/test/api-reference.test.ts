/** Every package under packages/ has its section in the generated API reference, under its npm name. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_DIR, DIST, DOCS_ROOT, REPO_ROOT } from './site.js';

const packages = readdirSync(join(REPO_ROOT, 'packages'))
  .filter((d) => existsSync(join(REPO_ROOT, 'packages', d, 'package.json')))
  .map((dir) => ({
    dir,
    name: JSON.parse(readFileSync(join(REPO_ROOT, 'packages', dir, 'package.json'), 'utf8')).name as string,
  }));

describe('API reference', () => {
  it('finds the packages', () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@bigs/ssm-kernels',
        '@bigs/gated-blocks',
        '@bigs/models',
        '@bigs/data',
        '@bigs/trainer',
      ]),
    );
  });

  const sidebar = JSON.parse(readFileSync(join(DOCS_ROOT, 'generated', 'api-sidebar.json'), 'utf8')) as {
    text: string;
    link?: string;
  }[];
  const overview = readFileSync(join(API_DIR, 'index.md'), 'utf8');

  for (const p of packages) {
    it(`${p.name}: markdown, built page, sidebar entry and overview row`, () => {
      const md = join(API_DIR, p.dir, 'index.md');
      expect(existsSync(md), `${md} missing`).toBe(true);
      const text = readFileSync(md, 'utf8');
      expect(text).toContain(`# ${p.name}`);
      // Documented exports, not an empty page.
      expect(text).toMatch(/## (Classes|Functions|Interfaces|Variables|Type Aliases)/);
      const html = join(DIST, 'api', p.dir, 'index.html');
      expect(existsSync(html), `${html} missing`).toBe(true);
      expect(readFileSync(html, 'utf8')).toContain(p.name);
      expect(sidebar.find((s) => s.text === p.name)?.link).toBe(`/api/${p.dir}/`);
      expect(overview).toContain(`[\`${p.name}\`](/api/${p.dir}/)`);
    });
  }
});
