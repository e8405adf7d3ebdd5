import { describeError, GauntletError } from './errors.ts';

/** Where a command-line entry point writes; tests pass their own to read what it said. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: CliIo = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
};

/** One readable line for a user's mistake; the stack only for what is a bug of the harness. */
export function reportError(io: CliIo, prefix: string, err: unknown): void {
  io.err(`${prefix}: ${describeError(err)}`);
  if (!(err instanceof GauntletError)) io.err((err as Error).stack ?? '');
}

/**
 * Reads a command line: `read` parses and checks it and throws on a user's mistake, which prints the message
 * and the usage (exit code 2); `--help` prints the usage (exit code 0). Otherwise the parsed result.
 */
export function readCommandLine<T extends { help: boolean }>(
  io: CliIo,
  usage: string,
  read: () => T,
): T | number {
  let parsed: T;
  try {
    parsed = read();
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.help) {
    io.out(usage);
    return 0;
  }
  return parsed;
}

/** A whole-number flag within bounds, or a readable refusal naming the flag and what was given. */
export function wholeNumberFlag(flag: string, raw: string, lo: number, hi: number): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < lo || v > hi)
    throw new Error(`--${flag} must be a whole number from ${lo} to ${hi}, not '${raw}'`);
  return v;
}
