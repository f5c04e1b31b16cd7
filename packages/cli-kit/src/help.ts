import { allFlags, type CommandSpec } from './command.js';
import type { FlagSpec } from './flags.js';

/** Word-wrap `text` to `width` columns, every line starting with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = indent;
    for (const word of para.split(/ +/)) {
      if (line.length > indent.length && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent;
      }
      line += line.length > indent.length ? ` ${word}` : word;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** How a flag is written in the help: `--output-dir DIR`, `--[no-]whole-word-mask`, `--train-files PATH...`. */
export function flagUsage(s: FlagSpec): string {
  if (s.type === 'boolean') return s.name === 'help' ? '--help' : `--[no-]${s.name}`;
  const ph =
    s.placeholder ??
    (s.choices ? s.choices.join('|') : s.type === 'integer' ? 'N' : s.type === 'number' ? 'X' : 'VALUE');
  return s.type === 'strings' ? `--${s.name} ${ph}...` : `--${s.name} ${ph}`;
}

/** The notes after a flag's description: default, required, deprecated names. */
export function flagNotes(s: FlagSpec): string[] {
  const notes: string[] = [];
  if (s.required) notes.push('required');
  const shown =
    s.defaultText ?? (s.default !== undefined && s.type !== 'boolean' ? String(s.default) : undefined);
  if (shown !== undefined) notes.push(`default: ${shown}`);
  if (s.deprecatedAliases?.length) {
    notes.push(`also ${s.deprecatedAliases.map((a) => `--${a}`).join(', ')}, deprecated`);
  }
  return notes;
}

const HELP_WIDTH = 100;

/**
 * The complete `--help` text of a command, generated from its {@link CommandSpec}: usage, summary, description,
 * arguments, every flag (with `--config` and `--help`) and the details.
 *
 * @example
 * helpText({ usage: 'bigs x', summary: 'Do x.', flags: [] }).split('\n')[0]; // 'Usage: bigs x [flags]'
 */
export function helpText(cmd: CommandSpec): string {
  const words = cmd.positionals ? ` [${cmd.positionals.name}...]` : '';
  const lines = [`Usage: ${cmd.usage} [flags]${words}`, '', ...wrap(cmd.summary, HELP_WIDTH, '')];
  if (cmd.description) lines.push('', ...wrap(cmd.description, HELP_WIDTH, ''));
  if (cmd.positionals) {
    lines.push('', 'Arguments:', `  ${cmd.positionals.name}...`);
    lines.push(...wrap(cmd.positionals.description, HELP_WIDTH, '      '));
  }
  lines.push('', 'Flags:');
  for (const s of allFlags(cmd)) {
    const notes = flagNotes(s);
    lines.push(`  ${flagUsage(s)}`);
    lines.push(
      ...wrap(`${s.description}${notes.length ? ` (${notes.join('; ')})` : ''}`, HELP_WIDTH, '      '),
    );
  }
  lines.push(
    '',
    'Booleans: --flag, --flag=true|false, --no-flag. Exit codes: 0 done, 1 the run failed, 2 a usage error.',
  );
  if (cmd.details) lines.push('', cmd.details);
  return `${lines.join('\n')}\n`;
}

/** Markdown text of a table cell: no raw HTML, pipes or Vue interpolation. */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\{\{/g, '&#123;&#123;')
    .replace(/\n/g, ' ');
}

/**
 * A command's reference section in Markdown: heading, summary, description, arguments and a table of its flags
 * (flag, default, description). The docs' command-line page is made of these.
 *
 * @example
 * markdownReference(cmd, 3).startsWith('### `pnpm pretrain`'); // true
 */
export function markdownReference(cmd: CommandSpec, level = 2): string {
  const words = cmd.positionals ? ` [${cmd.positionals.name}...]` : '';
  const anchor = cmd.usage.replace(/\s+/g, '-');
  const out = [
    `${'#'.repeat(level)} \`${cmd.usage}\` {#${anchor}}`,
    '',
    mdCell(cmd.summary),
    '',
    `\`${cmd.usage} [flags]${words}\``,
    '',
  ];
  if (cmd.description) out.push(...cmd.description.split('\n\n').map((p) => `${mdCell(p)}\n`));
  if (cmd.positionals)
    out.push(`**${cmd.positionals.name}...** — ${mdCell(cmd.positionals.description)}`, '');
  out.push('| flag | default | description |', '| --- | --- | --- |');
  for (const s of allFlags(cmd)) {
    const notes = flagNotes(s).filter((n) => !n.startsWith('default: '));
    const def = s.required
      ? 'required'
      : (s.defaultText ?? (s.default !== undefined ? String(s.default) : ''));
    const desc = `${s.description}${notes
      .filter((n) => n !== 'required')
      .map((n) => ` (${n})`)
      .join('')}`;
    // A pipe splits a table cell even inside a code span: escaped.
    out.push(`| \`${flagUsage(s).replace(/\|/g, '\\|')}\` | ${mdCell(def)} | ${mdCell(desc)} |`);
  }
  if (cmd.details) out.push('', '```text', cmd.details, '```');
  return `${out.join('\n')}\n`;
}
