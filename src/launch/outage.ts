/**
 * Takes a service of a launched target offline for the length of `fn` (docker pause: the process is frozen,
 * its port still accepts connections that never get an answer, as a hung store does), then brings it back.
 */
export async function whileFrozen<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const container = (await getContainerRuntimeClient()).container.getById(containerId);
  await container.pause();
  try {
    return await fn();
  } finally {
    await container.unpause();
  }
}
