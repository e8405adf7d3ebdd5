import type { ManifestInput } from './schema.ts';

/** Typed helper for manifest files: `export default defineTarget({...})`. Validation happens at load. */
export function defineTarget(manifest: ManifestInput): ManifestInput {
  return manifest;
}
