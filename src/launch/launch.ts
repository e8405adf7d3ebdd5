import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  generateKeySet,
  type KeySet,
  loadOrCreateKeySet,
  publicJwks,
  signingKeysFile,
} from '../../fixtures/issuer/keys.ts';
import { type IssuerServer, startIssuer } from '../../fixtures/issuer/server.ts';
import { createRunPki, type RunPki } from '../../fixtures/pki/ca.ts';
import type { AuthServerSpec, Manifest, ServiceRoles } from '../manifest/schema.ts';
import { interpolate, placeholders, type Vars } from '../manifest/template.ts';
import { resolveAuthServer } from '../oauth/metadata.ts';
import { registerSecrets } from '../report/secrets.ts';
import { fileContent, type ServiceLogs, type StartedService, startService } from './containers.ts';
import { assertDockerEngine, configureRyuk } from './docker.ts';
import { waitForHttp } from './health.ts';
import { freePort } from './ports.ts';
import { removeStale } from './teardown.ts';

export interface RunningTarget {
  /** the manifest with every placeholder resolved */
  manifest: Manifest;
  file: string;
  keys?: KeySet;
  issuer?: IssuerServer;
  pki?: RunPki;
  /** PEM CA for the HTTP channel, if the manifest gives one */
  httpCa?: string;
  /** PEM CA for the authorization server, if the manifest gives one */
  asCa?: string;
  /** container id of each service with a role (e.g. the revocation store the harness may pause) */
  roles: ServiceRoles;
  logs: ServiceLogs;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** VULN switches for the bundled reference (`{{vuln}}`) */
  vuln?: string;
  /** a key set to use instead of a fresh one (the matrix shares one issuer across many targets) */
  keys?: KeySet;
  /**
   * an issuer already started with `keys`, shared by many targets (a fleet scan): used instead of starting
   * one, and left running when this target stops (its owner closes it)
   */
  issuer?: IssuerServer;
}

function startOrder(services: Record<string, { dependsOn: string[] }>): string[][] {
  const done = new Set<string>();
  const waves: string[][] = [];
  while (done.size < Object.keys(services).length) {
    const wave = Object.keys(services).filter(
      (s) => !done.has(s) && services[s]!.dependsOn.every((d) => done.has(d)),
    );
    if (wave.length === 0) throw new Error('dependsOn has a cycle');
    waves.push(wave);
    for (const s of wave) done.add(s);
  }
  return waves;
}

/** The manifest's AS with its placeholders resolved, its client secrets kept out of reports, its endpoints found. */
async function reachAuthServer(
  m: Manifest & { file: string },
  vars: Vars,
  generated: Record<string, string>,
): Promise<{ authServer?: AuthServerSpec; asCa?: string }> {
  if (!m.authServer) return {};
  const spec = interpolate(m.authServer, vars, `${m.file}: authServer`);
  registerSecrets(...spec.clients.map((c) => c.secret));
  const asCa = spec.ca ? fileContent(spec.ca, generated) : undefined;
  return { authServer: await resolveAuthServer(spec, asCa), ...(asCa ? { asCa } : {}) };
}

/** Starts (or, for a url target, reaches) the system under test, with the harness issuer it trusts. */
export async function launchTarget(
  m: Manifest & { file: string },
  opts: LaunchOptions = {},
): Promise<RunningTarget> {
  const containers = m.launch.kind === 'containers' ? m.launch : undefined;
  const started: StartedService[] = [];
  const logs: ServiceLogs = {};
  let issuer: IssuerServer | undefined;
  const stop = async () => {
    await Promise.allSettled(started.reverse().map((s) => s.stop()));
    if (issuer !== opts.issuer) await issuer?.close();
  };
  try {
    if (containers) {
      await assertDockerEngine();
      await configureRyuk();
      removeStale();
    }
    const pki = containers || m.trust?.tls ? await createRunPki() : undefined;
    const vars: Vars = { vuln: opts.vuln ?? process.env.VULN ?? '' };
    for (const { key } of placeholders(m)) {
      if (!key.startsWith('secret.') || vars[key]) continue;
      vars[key] = randomBytes(24).toString('base64url');
      registerSecrets(vars[key]);
    }
    const generated: Record<string, string> = Object.fromEntries(
      Object.entries(pki?.files ?? {}).map(([f, content]) => [`pki:${f}`, content]),
    );
    const ports: Record<string, number> = {};
    if (containers) {
      for (const [name, svc] of Object.entries(containers.services)) {
        ports[name] = containers.network === 'host' ? await freePort() : (Object.values(svc.ports)[0] ?? 0);
        vars[`port.${name}`] = String(ports[name]);
      }
    }

    let keys: KeySet | undefined;
    if (m.trust) {
      keys =
        opts.keys ??
        (containers
          ? await generateKeySet('gauntlet')
          : await loadOrCreateKeySet(m.trust.keysFile ?? '.gauntlet/issuer-keys.json', 'gauntlet'));
      if (opts.issuer) {
        if (!opts.keys)
          throw new Error('launchTarget: a shared issuer needs the key set it signs with (opts.keys)');
        issuer = opts.issuer;
      } else {
        const [host, port] = m.trust.listen?.split(':') ?? ['127.0.0.1', '0'];
        const useTls = m.trust.tls ?? Boolean(containers);
        // the issuer's discovery names the policy issuer when it is known before the issuer starts
        const early = interpolate(m.policy.issuer, vars, `${m.file}: policy.issuer`, false);
        const literalIssuer = early.includes('{{') ? undefined : early;
        issuer = await startIssuer({
          keys,
          host: host!,
          port: Number(port),
          ...(useTls && pki ? { tls: pki.server } : {}),
          ...(literalIssuer ? { issuer: literalIssuer } : {}),
        });
      }
      generated['keys:signing.json'] = signingKeysFile(keys);
      vars['issuer.url'] = issuer.url;
      vars['issuer.jwks_uri'] = issuer.jwksUri;
      if (m.trust.exportJwks) {
        mkdirSync(dirname(m.trust.exportJwks), { recursive: true });
        writeFileSync(m.trust.exportJwks, JSON.stringify(publicJwks(keys), null, 2));
      }
    }
    const policy = interpolate(m.policy, vars, `${m.file}: policy`);
    vars['policy.issuer'] = policy.issuer;
    vars['policy.audience'] = policy.audience;

    if (containers) {
      const services = interpolate(containers.services, vars, `${m.file}: launch.services`);
      for (const wave of startOrder(services)) {
        const results = await Promise.allSettled(
          wave.map((name) => startService(name, services[name]!, containers.network, generated, logs)),
        );
        for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }
      if (containers.network === 'bridge') {
        // published ports replace the container ports in what the harness itself connects to
        for (const s of started) {
          const p = ports[s.name];
          if (p) vars[`port.${s.name}`] = String(s.mappedPort(p));
        }
      }
    }
    const channels = interpolate(m.channels, vars, `${m.file}: channels`);
    const httpCa = channels.http?.ca ? fileContent(channels.http.ca, generated) : undefined;
    if (channels.http) {
      const health = new URL(
        channels.http.health ?? channels.http.endpoints[0]!.path,
        channels.http.baseUrl,
      ).toString();
      await waitForHttp(health, {
        ...(httpCa ? { ca: httpCa } : {}),
        timeoutMs: containers ? 20_000 : 5_000,
        what: `target '${m.name}'`,
      });
    }
    const { authServer, asCa } = await reachAuthServer(m, vars, generated);
    const roles: ServiceRoles = {};
    for (const s of started) {
      const role = containers?.services[s.name]?.role;
      if (role) roles[role] = s.id;
    }
    const manifest: Manifest = { ...m, policy, channels, ...(authServer ? { authServer } : {}) };
    return {
      manifest,
      file: m.file,
      ...(keys ? { keys } : {}),
      ...(issuer ? { issuer } : {}),
      ...(pki ? { pki } : {}),
      ...(httpCa ? { httpCa } : {}),
      ...(asCa ? { asCa } : {}),
      roles,
      logs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
