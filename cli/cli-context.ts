// What every command needs: its streams, the working directory, colour, and a way to fail
// with a usage error (exit 2) instead of a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { relative, resolve } from 'node:path';
import { closest } from '../spec/index.js';
import pkg from '../package.json' with { type: 'json' };
import { type Styler, styler } from './format-diagnostics.js';

export const VERSION: string = pkg.version;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  color: boolean;
  env: NodeJS.ProcessEnv;
}

/** A reader that went away (`lakespec compile … | head -1`) ends the command quietly. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

let pipesGuarded = false;

export function defaultIo(): Io {
  if (!pipesGuarded) {
    pipesGuarded = true;
    quietOnClosedPipe(process.stdout);
    quietOnClosedPipe(process.stderr);
  }
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    color,
    env: process.env,
  };
}

export class UsageError extends Error {}

/** A problem the user can fix (unreachable state store, missing engine): exit 1, message only. */
export class ProblemError extends Error {}

/** Exit codes: 0 clean, 1 problems found, 2 usage error. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = 1) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(optionError(e as Error & { code?: string }, Object.keys(options)));
  }
  if (parsed.positionals.length > allowPositionals) throw new UsageError(`unexpected argument "${parsed.positionals[allowPositionals]}"`);
  return parsed;
}

/** node's parseArgs messages in lakespec's own words, with a suggestion for a misspelled option. */
function optionError(e: Error & { code?: string }, known: string[]): string {
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(e.message);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const name = unknown[1]!.replace(/^-+/, '');
    const near = closest(name, [...known, 'help']);
    return `unknown option ${unknown[1]}${near ? `; did you mean --${near}?` : ''}`;
  }
  const needsValue = /^Option '(?:-\w, )?(--[^ ']+)[^']*' argument missing/.exec(e.message);
  if (needsValue) return `${needsValue[1]} needs a value`;
  const noValue = /^Option '(--[^ '=]+)[^']*' does not take an argument/.exec(e.message);
  if (noValue) return `${noValue[1]} takes no value`;
  return e.message.replace(/\. To specify a positional argument.*$/, '');
}

export function styles(io: Io): Styler {
  return styler(io.color);
}

/** Paths in diagnostics are relative to the spec root; show them relative to where the user stands. */
export function displayPathFor(io: Io, root: string): (file: string) => string {
  return (file: string) => {
    const rel = relative(io.cwd, resolve(root, file)).split('\\').join('/');
    return rel === '' ? file : rel;
  };
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
