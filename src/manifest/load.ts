import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { GauntletError } from '../errors.ts';
import { type Manifest, manifestSchema } from './schema.ts';
import { interpolate, placeholders } from './template.ts';

export const DEFAULT_TARGET = 'targets/reference.ts';

function formatIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
  return `${file}: invalid target manifest\n${lines.join('\n')}`;
}

/** Checks a manifest object, resolves {{env.*}}, and checks that every other placeholder can be resolved later. */
export function parseManifest(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): Manifest {
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new GauntletError(formatIssues(file, parsed.error));
  const m = parsed.data;
  const services = m.launch.kind === 'containers' ? Object.keys(m.launch.services) : [];
  const runtime = new Set(['issuer.url', 'issuer.jwks_uri', 'policy.issuer', 'policy.audience', 'vuln']);
  for (const s of services) runtime.add(`port.${s}`);
  const envVars: Record<string, string> = {};
  for (const { key, where } of placeholders(m)) {
    if (key.startsWith('env.')) {
      const v = env[key.slice(4)];
      if (v === undefined || v === '') {
        throw new GauntletError(
          `${file}: ${where} needs the environment variable ${key.slice(4)}, which is not set`,
        );
      }
      envVars[key] = v;
    } else if (key.startsWith('secret.')) {
      if (m.launch.kind !== 'containers')
        throw new GauntletError(
          `${file}: ${where}: {{${key}}} is a secret the harness generates for services it starts; a url target's secrets come from the environment ({{env.NAME}})`,
        );
    } else if (!runtime.has(key)) {
      throw new GauntletError(
        `${file}: ${where}: unknown placeholder {{${key}}}; known: env.NAME, secret.NAME, ${[...runtime].join(', ')}`,
      );
    } else if (key.startsWith('issuer.') && !m.trust) {
      throw new GauntletError(`${file}: ${where} uses {{${key}}} but the manifest has no 'trust' section`);
    }
  }
  if (m.launch.kind === 'containers') {
    for (const [svc, spec] of Object.entries(m.launch.services)) {
      for (const dep of spec.dependsOn) {
        if (!services.includes(dep))
          throw new GauntletError(`${file}: launch.services.${svc}.dependsOn: no service '${dep}'`);
      }
    }
  }
  return interpolate(m, envVars, '', false);
}

/** Imports a manifest module (TypeScript or JavaScript) and returns its default export, unchecked. */
export async function importManifest(
  path: string,
  exportHint: string,
): Promise<{ file: string; raw: unknown }> {
  const file = resolve(path);
  if (!existsSync(file))
    throw new GauntletError(`target manifest not found: ${path} (set GAUNTLET_TARGET to a manifest file)`);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new GauntletError(`${path}: cannot load the manifest: ${(err as Error).message}`);
  }
  if (!mod.default)
    throw new GauntletError(`${path}: the manifest must have a default export (${exportHint})`);
  return { file, raw: mod.default };
}

/** Loads and checks one target manifest. */
export async function loadManifest(
  path = process.env.GAUNTLET_TARGET || DEFAULT_TARGET,
): Promise<Manifest & { file: string }> {
  const { file, raw } = await importManifest(path, 'export default defineTarget({...})');
  return { ...parseManifest(raw, path), file };
}
