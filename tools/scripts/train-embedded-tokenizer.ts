// Trains the embedded uncased WordPiece vocabulary (8192 tokens) on packages/data/corpus/pretrain/*.txt and
// writes packages/data/corpus/tokenizer/{vocab.txt,tokenizer.json,tokenizer_config.json}. Deterministic.
//   npx tsx tools/scripts/train-embedded-tokenizer.ts
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveTokenizer, trainWordPiece } from '../../packages/data/src/tokenizer/index.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'data', 'corpus');
function* lines(): Generator<string> {
  for (const f of readdirSync(join(corpus, 'pretrain')).sort()) {
    if (!f.endsWith('.txt')) continue;
    for (const line of readFileSync(join(corpus, 'pretrain', f), 'utf8').split('\n')) if (line) yield line;
  }
}
const t0 = performance.now();
const { tokenizer, stats } = await trainWordPiece(lines(), {
  vocabSize: 8192,
  minFrequency: 2,
  lowercase: true,
});
await saveTokenizer(tokenizer, join(corpus, 'tokenizer'));
console.log(`vocab ${tokenizer.vocabSize}`, stats, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
