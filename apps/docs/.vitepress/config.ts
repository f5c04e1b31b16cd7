import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

// Written by scripts/gen-api.ts (one section per package found under packages/).
const sidebarFile = fileURLToPath(new URL('../generated/api-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(sidebarFile)
  ? JSON.parse(readFileSync(sidebarFile, 'utf8'))
  : [{ text: 'Run `pnpm docs:build` to generate the API reference', link: '/api/' }];

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Architecture and numerics', link: '/guide/architecture' },
      { text: 'Adding a routing layer', link: '/guide/routing-layers' },
      { text: 'Importing checkpoints', link: '/guide/checkpoints' },
      { text: 'Data', link: '/guide/data' },
      { text: 'Pretraining', link: '/guide/pretraining' },
      { text: 'Finetuning', link: '/guide/finetuning' },
      { text: 'Scaling out', link: '/guide/scaling-out' },
      { text: 'Pipelines: text in, answers out', link: '/guide/pipelines' },
      { text: 'Live demo in the browser', link: '/guide/demo' },
      { text: 'Analysis', link: '/guide/analysis' },
      { text: 'Benchmarks', link: '/guide/benchmarks' },
      { text: 'Results: the paper’s 2×2', link: '/guide/results' },
      { text: 'Command-line reference', link: '/guide/cli' },
    ],
  },
];

export default defineConfig({
  title: 'BiGS-TS',
  description: 'Pretraining Without Attention (BiGS) in TypeScript on TensorFlow.js',
  lang: 'en-US',
  srcExclude: ['README.md', 'examples/**', 'test/**', 'scripts/**', 'test-results/**', 'demo/**', 'public/**'],
  // Offline site: no external fonts or analytics; everything is served from the build.
  head: [],
  lastUpdated: false,
  cleanUrls: false,
  markdown: { math: false, lineNumbers: false },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: { '/guide/': guide, '/api/': apiSidebar, '/': guide },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
