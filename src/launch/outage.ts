import { GauntletError } from '../errors.ts';

/**
 * Takes a service of a launched target offline for the length of `fn` (docker pause: the process is frozen,
 * its port still accepts connections that never get an answer, as a hung store does), then brings it back.
 */
export async function whileFrozen<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const container = (await getContainerRuntimeClient()).container.getById(containerId);
  try {
    await container.pause();
  } catch (err) {
    throw new GauntletError(
      `the Docker engine could not pause the revocation store (${(err as Error).message.split('\n')[0]}); ` +
        "without pause support, drop role: 'revocation-store' from the manifest and the outage check is skipped",
    );
  }
  try {
    return await fn();
  } finally {
    await container.unpause();
  }
}
