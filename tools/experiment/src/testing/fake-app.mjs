// A stand-in for `pnpm pretrain|finetune` in the experiment's resume tests: writes the files the real apps write
// (metrics.jsonl, model.safetensors, eval_results.json) and logs each call to $FAKE_APP_LOG. With $FAKE_APP_STOP
// naming a file that does not exist yet, the first pretraining creates it and exits 143 as if stopped by SIGTERM.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [app, ...args] = process.argv.slice(2);
const flag = (name) => args[args.indexOf(name) + 1];
const out = flag('--output-dir');
mkdirSync(out, { recursive: true });
appendFileSync(process.env.FAKE_APP_LOG, `${app} ${out}\n`);
if (app === 'pretrain') {
  const stop = process.env.FAKE_APP_STOP;
  if (stop && !existsSync(stop)) {
    writeFileSync(stop, '');
    process.stdout.write('stopped\n');
    process.exit(143);
  }
  const steps = Number(flag('--max-steps'));
  const seed = Number(flag('--seed'));
  const lines = [];
  for (let s = 1; s <= steps; s++)
    lines.push({ step: s, loss: 9 - s, tokens_seen: 100 * s, elapsed_seconds: s });
  lines.push({ step: steps, eval_loss: 8 - seed / 100, eval_accuracy: 0.1 });
  writeFileSync(join(out, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(join(out, 'model.safetensors'), Buffer.concat([len, header, Buffer.alloc(24)]));
} else {
  const task = args.includes('--task') ? flag('--task') : 'spam';
  const final = { step: 3, epoch: 1, accuracy: 0.75, f1: 0.5 };
  writeFileSync(join(out, 'eval_results.json'), JSON.stringify({ task, best: final, final }));
}
