/** An error meant for the user: one readable message that says what to do. Never printed with a stack. */
export class GauntletError extends Error {
  override readonly name = 'GauntletError';
}

export function describeError(err: unknown): string {
  if (err instanceof GauntletError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
