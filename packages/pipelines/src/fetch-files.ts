import type { ModelFiles } from './types.js';

/** Options of {@link fetchModelFiles}. */
export interface FetchModelFilesOptions {
  /** The `fetch` to use (default: the global one). */
  fetch?: (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;
  signal?: AbortSignal;
}

/** Which files a model directory served over HTTP holds, in order of preference (the first found of each group). */
const GROUPS: readonly (readonly string[])[] = [
  ['config.json'],
  ['model.safetensors', 'flax_model.msgpack'],
  ['tokenizer.json', 'vocab.txt'],
];

/**
 * Fetch a model's files from the URL of its directory — `config.json`, `model.safetensors` (else
 * `flax_model.msgpack`), `tokenizer.json` (else `vocab.txt`): what `pnpm pretrain` / `pnpm finetune` write,
 * served as static files. The result goes to `pipeline(task, files)`. Works wherever `fetch` does (browsers,
 * Node ≥ 18). An Error names the URL and the HTTP status of a file that could not be fetched.
 *
 * @example
 * const fill = await pipeline('fill-mask', await fetchModelFiles('/demo/fill-mask/'));
 */
export async function fetchModelFiles(
  baseUrl: string,
  options: FetchModelFilesOptions = {},
): Promise<ModelFiles> {
  const doFetch = options.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') {
    throw new Error('fetchModelFiles: no fetch() here; pass options.fetch');
  }
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const files: Record<string, Uint8Array> = {};
  for (const group of GROUPS) {
    const tried: string[] = [];
    for (const name of group) {
      const url = base + name;
      let res: Response;
      try {
        res = await doFetch(url, options.signal ? { signal: options.signal } : {});
      } catch (e) {
        throw new Error(`fetchModelFiles: ${url}: request failed (${(e as Error).message})`);
      }
      if (res.ok) {
        files[name] = new Uint8Array(await res.arrayBuffer());
        break;
      }
      await res.body?.cancel();
      tried.push(`${url} → HTTP ${res.status}`);
    }
    if (tried.length === group.length) {
      throw new Error(
        `fetchModelFiles: ${base} serves none of ${group.join(', ')} (${tried.join('; ')}); ` +
          'serve the model directory that pnpm pretrain / pnpm finetune wrote',
      );
    }
  }
  return { files, source: base };
}
