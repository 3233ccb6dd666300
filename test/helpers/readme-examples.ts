/**
 * The examples of a Markdown document, as the README test runs them.
 *
 * Conventions (stated in the README's "Testing" section):
 * - A ```sh / ```bash block is a shell example. Each command (a line, with its
 *   `\` continuations and any quoted text spanning lines) runs in one bash per
 *   block, in order; it must exit 0. Comment lines directly after a command
 *   (no blank line between) are the output it shows: `# ` then the line.
 * - A ```ts block is a TypeScript example, run as a file with tsx. A block
 *   marked ```text output right after it is the output it shows.
 * - A block whose first line is `# not run: <why>` (or `// not run: <why>`) is
 *   not run; the reason is on the page for a reader to see.
 * - Other blocks (```json, ```text, plain ```) are illustrations: file excerpts,
 *   formats, diagrams. They are listed, never run.
 */

export interface ShellCommand {
  /** 1-based line of the command's first line in the document. */
  readonly line: number;
  readonly command: string;
  /** The output the document shows for it, one entry per line; undefined when it shows none. */
  readonly expected?: readonly string[];
}

export type Example =
  | { readonly kind: 'sh'; readonly line: number; readonly commands: readonly ShellCommand[]; readonly notRun?: string }
  | { readonly kind: 'ts'; readonly line: number; readonly code: string; readonly expected?: readonly string[]; readonly notRun?: string }
  | { readonly kind: 'other'; readonly line: number; readonly info: string };

interface Fence {
  readonly line: number;
  readonly info: string;
  readonly body: readonly string[];
}

/** The fenced blocks of a Markdown document, with their info strings and 1-based lines. */
export function fencedBlocks(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const blocks: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const [, indent = '', fence = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trimStart().startsWith(fence); j++) body.push((lines[j] as string).slice(indent.length));
    blocks.push({ line: i + 1, info: info.trim(), body });
    i = j;
  }
  return blocks;
}

const NOT_RUN = /^\s*(?:#|\/\/)\s*not run:\s*(.+)$/;

/** Every example of the document, in order. */
export function examplesOf(markdown: string): Example[] {
  const blocks = fencedBlocks(markdown);
  const examples: Example[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b] as Fence;
    const language = block.info.split(/\s+/)[0] ?? '';
    const notRun = NOT_RUN.exec(block.body[0] ?? '')?.[1]?.trim();
    if (language === 'sh' || language === 'bash') {
      examples.push({ kind: 'sh', line: block.line, commands: notRun === undefined ? shellCommands(block.body, block.line + 1) : [], ...(notRun !== undefined ? { notRun } : {}) });
    } else if (language === 'ts' || language === 'typescript') {
      const next = blocks[b + 1];
      const output = next !== undefined && /\boutput\b/.test(next.info) ? next : undefined;
      if (output !== undefined) b++;
      examples.push({
        kind: 'ts',
        line: block.line,
        code: block.body.join('\n'),
        ...(output !== undefined ? { expected: trimTrailingBlank(output.body) } : {}),
        ...(notRun !== undefined ? { notRun } : {}),
      });
    } else {
      examples.push({ kind: 'other', line: block.line, info: block.info });
    }
  }
  return examples;
}

/** A shell block's commands and the output lines shown after each. */
export function shellCommands(body: readonly string[], firstLine: number): ShellCommand[] {
  const commands: { line: number; command: string; expected?: string[] }[] = [];
  let current: { line: number; command: string; expected?: string[] } | undefined;
  for (let i = 0; i < body.length; i++) {
    const text = body[i] as string;
    if (text.trim() === '') {
      current = undefined;
      continue;
    }
    if (/^\s*#/.test(text)) {
      // Output: comment lines right after a command. Elsewhere: a comment for the reader.
      if (current !== undefined) (current.expected ??= []).push(text.replace(/^\s*# ?/, ''));
      continue;
    }
    let command = text;
    const line = firstLine + i;
    while (incomplete(command) && i + 1 < body.length) command += `\n${body[++i] as string}`;
    current = { line, command };
    commands.push(current);
  }
  return commands;
}

/** A command continues on the next line after a trailing `\` or inside an unclosed quote. */
function incomplete(command: string): boolean {
  if (/\\$/.test(command)) return true;
  let single = false;
  let double = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === '\\' && !single) i++;
    else if (c === "'" && !double) single = !single;
    else if (c === '"' && !single) double = !double;
    else if (c === '#' && !single && !double && (i === 0 || /\s/.test(command[i - 1] as string))) {
      // The rest of this line is a comment: skip to its end.
      const end = command.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    }
  }
  return single || double;
}

function trimTrailingBlank(lines: readonly string[]): string[] {
  const out = [...lines];
  while (out.length > 0 && (out.at(-1) as string).trim() === '') out.pop();
  return out;
}
