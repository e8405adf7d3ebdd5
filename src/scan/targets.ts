import { GauntletError } from '../errors.ts';
import { importManifest, parseManifest } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';

export type Target = Manifest & { file: string };

/** Checks a list of raw manifests (one fleet) and that their names are unique. */
export function parseTargets(raws: { raw: unknown; where: string; file: string }[]): Target[] {
  const targets = raws.map(({ raw, where, file }) => ({ ...parseManifest(raw, where), file }));
  const seen = new Map<string, string>();
  for (const [i, t] of targets.entries()) {
    const first = seen.get(t.name);
    if (first)
      throw new GauntletError(
        `${raws[i]!.where}: target name '${t.name}' is already used by ${first}; names must be unique in one run`,
      );
    seen.set(t.name, raws[i]!.where);
  }
  return targets;
}

/**
 * Loads manifest modules: each default-exports one target (`defineTarget`) or a list (`defineTargets`).
 * Every target is validated; a wrong field is named with the file and the target's position.
 */
export async function loadTargets(paths: string[]): Promise<Target[]> {
  if (paths.length === 0) throw new GauntletError('no target manifest given (e.g. targets/fleet.example.ts)');
  const raws: { raw: unknown; where: string; file: string }[] = [];
  for (const path of paths) {
    const { file, raw: exported } = await importManifest(path, 'defineTarget({...}) or defineTargets([...])');
    if (Array.isArray(exported)) {
      if (exported.length === 0) throw new GauntletError(`${path}: the list of targets is empty`);
      exported.forEach((raw, i) => void raws.push({ raw, where: `${path}[${i}]`, file }));
    } else {
      raws.push({ raw: exported, where: path, file });
    }
  }
  return parseTargets(raws);
}
