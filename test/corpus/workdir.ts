import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the corpus is: GAUNTLET_CORPUS_DIR, else ../shared/corpus beside the repo. `reason` when it is absent. */
export function locateCorpus(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string; reason?: string } {
  const dir = env.GAUNTLET_CORPUS_DIR ? resolve(env.GAUNTLET_CORPUS_DIR) : resolve(root, '../shared/corpus');
  if (!existsSync(join(dir, 'corpus.json')))
    return {
      dir,
      reason: `no JWT CVE corpus at ${dir} (corpus.json not found): the corpus proof is skipped; set GAUNTLET_CORPUS_DIR to run it`,
    };
  return { dir };
}

const KEEP = new Set(['node_modules', 'package-lock.json']);
/** the package.json the installed node_modules was made from */
const STAMP = join('node_modules', '.gauntlet-package.json');

/**
 * Copies the corpus into a work folder (the shared corpus stays read-only) and installs it there. The copy
 * is refreshed every run (a few small files); `npm install` runs only when node_modules is missing or was
 * installed from another package.json.
 */
export function prepareWorkdir(
  src: string,
  dest: string,
  log: (s: string) => void = () => {},
): { installed: boolean } {
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(dest))
    if (!KEEP.has(name)) rmSync(join(dest, name), { recursive: true, force: true });
  for (const name of readdirSync(src)) {
    if (KEEP.has(name) || name === '.git') continue;
    cpSync(join(src, name), join(dest, name), { recursive: true });
  }
  const pkg = readFileSync(join(dest, 'package.json'), 'utf8');
  const stamp = join(dest, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pkg) return { installed: false };
  log(`corpus: installing its pinned libraries in ${dest} (npm install) ...`);
  rmSync(join(dest, 'node_modules'), { recursive: true, force: true });
  rmSync(join(dest, 'package-lock.json'), { force: true });
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: dest,
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    const why = r.error
      ? r.error.message
      : `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`corpus: npm install failed in ${dest} (exit ${r.status}):\n${why}`);
  }
  writeFileSync(stamp, pkg);
  return { installed: true };
}
