import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GauntletError } from '../errors.ts';

const run = promisify(execFile);

export async function docker(args: string[], timeoutMs = 15_000): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: timeoutMs });
  return stdout.trim();
}

/** Throws one readable error when no Docker engine answers. */
export async function assertDockerEngine(): Promise<void> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], 10_000);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'the docker command is not installed' : 'no Docker engine answers';
    throw new GauntletError(
      `this target starts containers, but ${why}. Run 'npm run setup' (on Debian as root it installs and starts one), ` +
        `start Docker yourself, or test a running deployment: GAUNTLET_TARGET=path/to/staging.ts npm test`,
    );
  }
}

export async function imageExists(image: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', image]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Testcontainers' reaper (Ryuk) must be pulled, and nothing can be pulled here: turn it off when its
 * image is not present. Teardown is then the harness's own job (see teardown.ts).
 */
export async function configureRyuk(): Promise<void> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== undefined) return;
  const present = await docker(['image', 'ls', '-q', 'testcontainers/ryuk']).catch(() => '');
  if (!present) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}
