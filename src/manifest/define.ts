import type { ManifestInput } from './schema.ts';

/** Typed helper for manifest files: `export default defineTarget({...})`. Validation happens at load. */
export function defineTarget(manifest: ManifestInput): ManifestInput {
  return manifest;
}

/**
 * Typed helper for a fleet: several targets in one module, scanned in one run (`npm run scan -- file.ts`).
 * `export default defineTargets([{...}, {...}])`. Each entry is a full manifest; share common parts with a spread.
 */
export function defineTargets(manifests: ManifestInput[]): ManifestInput[] {
  return manifests;
}
