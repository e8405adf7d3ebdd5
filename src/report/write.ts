import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { redactSecrets } from './secrets.ts';
import type { RunReport } from './types.ts';

export const REPORT_DIR = process.env.GAUNTLET_REPORT_DIR || 'reports';

/** Writes index.html, junit.xml and results.json, without any secret of the run; returns the directory. */
export function writeReports(unredacted: RunReport, dir = REPORT_DIR): string {
  const report = redactSecrets(unredacted);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), renderJson(report));
  writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
  writeFileSync(join(dir, 'index.html'), renderHtml(report));
  return dir;
}
