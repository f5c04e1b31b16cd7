import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchModelFiles } from './fetch-files.js';
import { loadPipelineModel as loadInBrowser } from './load.browser.js';
import { pipeline as browserPipeline } from './pipeline.browser.js';
import { pipeline } from './pipeline.js';
import { saveTinyModel, useCpu } from './test-helpers.js';

/** Serve the files of `dirs` (by name: /<key>/<file>) on 127.0.0.1; other paths 404. */
async function serve(dirs: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const [, key, file] = (req.url ?? '').split('/');
    const dir = dirs[key ?? ''];
    if (dir === undefined || !file || !readdirSync(dir).includes(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200).end(readFileSync(join(dir, file)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let server: Server;
let origin: string;
let mlmDir: string;
let clsDir: string;

beforeAll(async () => {
  await useCpu();
  mlmDir = await saveTinyModel('masked-lm');
  clsDir = await saveTinyModel('sequence-classification', { numLabels: 3 });
  const bare = await saveTinyModel('masked-lm', {}, { tokenizer: false });
  ({ server, origin } = await serve({ mlm: mlmDir, cls: clsDir, bare }));
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('model files fetched over HTTP (the browser path)', () => {
  it('fetchModelFiles picks config.json, model.safetensors and tokenizer.json; results equal the dir pipeline', async () => {
    const files = await fetchModelFiles(`${origin}/mlm`);
    expect(files.source).toBe(`${origin}/mlm/`);
    expect(Object.keys(files.files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const texts = ['The old [MASK] told a story.', 'a [MASK] and a [MASK] ran home'];
    const fromDir = await pipeline('fill-mask', mlmDir);
    const fromFiles = await browserPipeline('fill-mask', files);
    expect(await fromFiles(texts, { topK: 5 })).toEqual(await fromDir(texts, { topK: 5 }));
    fromDir.dispose();
    fromFiles.dispose();

    const cls = await fetchModelFiles(`${origin}/cls/`);
    const a = await pipeline('text-classification', clsDir);
    const b = await pipeline('text-classification', cls); // the Node pipeline takes files too
    const inputs = [{ text: 'a gloss', pair: 'a sentence' }, 'one text'];
    expect(await b(inputs, { topK: 'all' })).toEqual(await a(inputs, { topK: 'all' }));
    a.dispose();
    b.dispose();
  });

  it('errors name the URL, the status and what to do', async () => {
    await expect(fetchModelFiles(`${origin}/nothing`)).rejects.toThrow(
      new RegExp(
        `${origin}/nothing/ serves none of config\\.json \\(${origin}/nothing/config\\.json → HTTP 404\\)`,
      ),
    );
    await expect(fetchModelFiles(`${origin}/bare`)).rejects.toThrow(
      /serves none of tokenizer\.json, vocab\.txt \(.*tokenizer\.json → HTTP 404; .*vocab\.txt → HTTP 404\)/,
    );
    await expect(browserPipeline('fill-mask', mlmDir)).rejects.toThrow(
      /is a directory path, which a browser cannot read; pass await fetchModelFiles\(url\)/,
    );
    const cls = await fetchModelFiles(`${origin}/cls`);
    await expect(loadInBrowser('fill-mask', cls)).rejects.toThrow(
      /fill-mask: .*\/cls\/ has no masked-LM head \(cls\.predictions\.\*\): \d+ head tensors/,
    );
  });
});
