import { execFileSync } from 'node:child_process';

/** Containers this process started, removed on normal stop, on failure, and on Ctrl-C / SIGTERM. */
const owned = new Set<string>();
let hooked = false;

export const RUN_LABEL = 'auth-gauntlet.owner-pid';

function removeAllSync(): void {
  if (owned.size === 0) return;
  try {
    execFileSync('docker', ['rm', '-f', '-v', ...owned], { stdio: 'ignore', timeout: 20_000 });
  } catch {
    // best effort: a later run removes leftovers by label (removeStale)
  }
  owned.clear();
}

export function own(id: string): void {
  owned.add(id);
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      removeAllSync();
      process.exit(130);
    });
  }
  process.once('exit', removeAllSync);
}

export function disown(id: string): void {
  owned.delete(id);
}

/** Removes containers left by harness processes that no longer exist (killed with -9, for example). */
export function removeStale(): void {
  let out = '';
  try {
    out = execFileSync(
      'docker',
      ['ps', '-a', '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}} {{.Label "${RUN_LABEL}"}}`],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
  } catch {
    return;
  }
  const stale = out
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter(([id, pid]) => id && pid && !alive(Number(pid)))
    .map(([id]) => id!);
  if (stale.length)
    execFileSync('docker', ['rm', '-f', '-v', ...stale], { stdio: 'ignore', timeout: 20_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
