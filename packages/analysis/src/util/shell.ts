/** Characters that never need quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One argument quoted for a POSIX shell (`sh`, `bash`, `zsh`): left alone when it has only safe characters,
 * else wrapped in single quotes, where every character is literal (`$`, backticks, `"`, `\`, newlines);
 * a single quote inside becomes `'\''`.
 *
 * @example
 * shellQuote('runs/out'); // 'runs/out'
 * shellQuote("it's $HOME"); // `'it'\''s $HOME'`
 * shellQuote(''); // "''"
 */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line that a POSIX shell splits back into exactly `args`.
 *
 * @example
 * shellJoin(['bigs', 'analyze', '--text', 'a "b" $c']); // `bigs analyze --text 'a "b" $c'`
 */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/**
 * A bounded excerpt of a text: at most `maxChars` UTF-16 units (never half a surrogate pair), `…` appended
 * when cut.
 *
 * @example
 * textExcerpt('a'.repeat(500), 10); // 'aaaaaaaaaa…'
 */
export function textExcerpt(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // do not split a surrogate pair
  return `${text.slice(0, end)}…`;
}
