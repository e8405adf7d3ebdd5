import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { GauntletError } from '../errors.ts';
import type { ServiceSpec } from '../manifest/schema.ts';
import { imageExists } from './docker.ts';
import { disown, own, RUN_LABEL } from './teardown.ts';

export interface StartedService {
  name: string;
  id: string;
  /** bridge mode: published host port by container port */
  mappedPort(containerPort: number): number;
  stop(): Promise<void>;
}

export interface ServiceLogs {
  [service: string]: string;
}

const LOG_LIMIT = 64 * 1024;

/**
 * `pki:<name>` is a file of the per-run PKI (ca.crt, server.crt, ...), `keys:<name>` one of the harness's
 * signing keys (keys:signing.json); anything else is a host file. `generated` is keyed by the full reference.
 */
export function fileContent(ref: string, generated: Record<string, string>): string {
  if (/^(pki|keys):/.test(ref)) {
    const v = generated[ref];
    if (v === undefined)
      throw new GauntletError(`unknown generated file '${ref}'; known: ${Object.keys(generated).join(', ')}`);
    return v;
  }
  return readFileSync(ref, 'utf8');
}

/** Starts one service with Testcontainers. Logs are kept (for the report when something fails). */
export async function startService(
  name: string,
  spec: ServiceSpec,
  network: 'host' | 'bridge',
  generated: Record<string, string>,
  logs: ServiceLogs,
): Promise<StartedService> {
  if (!(await imageExists(spec.image))) {
    throw new GauntletError(
      `service '${name}': image ${spec.image} is not present. Run 'npm run setup' to build the reference images.`,
    );
  }
  const { GenericContainer, Wait } = await import('testcontainers');
  logs[name] = '';
  let c = new GenericContainer(spec.image)
    .withEnvironment(spec.env)
    .withCommand(spec.command)
    .withLabels({ [RUN_LABEL]: String(process.pid), 'auth-gauntlet.service': name })
    .withCopyContentToContainer(
      Object.entries(spec.files).map(([target, ref]) => ({ content: fileContent(ref, generated), target })),
    )
    .withLogConsumer((stream: Readable) => {
      stream.on('data', (chunk: Buffer | string) => {
        if ((logs[name]?.length ?? 0) < LOG_LIMIT) logs[name] += chunk.toString();
      });
    })
    .withStartupTimeout((spec.wait?.timeoutSeconds ?? 30) * 1000);
  if (network === 'host') c = c.withNetworkMode('host');
  else c = c.withExposedPorts(...Object.values(spec.ports));
  if (spec.wait && 'log' in spec.wait) c = c.withWaitStrategy(Wait.forLogMessage(spec.wait.log));
  // In host mode Wait.forHttp needs a mapped port and hangs: http waits are polled by the harness (health.ts).
  try {
    const started = await c.start();
    own(started.getId());
    return {
      name,
      id: started.getId(),
      mappedPort: (p) => started.getMappedPort(p),
      stop: async () => {
        disown(started.getId());
        await started.stop({ timeout: 2000, remove: true, removeVolumes: true });
      },
    };
  } catch (err) {
    const tail = (logs[name] ?? '').trim().split('\n').slice(-15).join('\n    ');
    throw new GauntletError(
      `service '${name}' (${spec.image}) did not start: ${(err as Error).message.split('\n')[0]}` +
        (tail ? `\n  last log lines:\n    ${tail}` : ''),
    );
  }
}
