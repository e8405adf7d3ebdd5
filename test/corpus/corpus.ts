import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One entry of the corpus's corpus.json (the fields the proof uses). */
export interface CorpusEntry {
  name: string;
  server: string;
  library: string;
  version: string;
  vulnerable: boolean;
  /** CVE classes present: each must be found */
  classes: string[];
  /** token id → behaviour the server really has that is no CVE of this library: neither right nor wrong */
  also_accepts: Record<string, { class: string; note?: string }>;
  /** algorithms of the legitimate tokens the service accepts: its documented configuration */
  algorithms_accepted: string[];
  construction: string;
}

export function loadCorpus(dir: string): CorpusEntry[] {
  return JSON.parse(readFileSync(join(dir, 'corpus.json'), 'utf8')) as CorpusEntry[];
}
