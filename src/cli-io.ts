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
