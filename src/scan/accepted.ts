import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { GauntletError } from '../errors.ts';
import type { AcceptedFindingState } from '../report/types.ts';
import type { Verdict } from '../verdict/types.ts';

/**
 * Accepted findings, as code-scanning baselines work: a finding listed here with a justification does not
 * make the run red, but it stays in every report, marked accepted. An entry whose expiry date has passed
 * no longer applies: the finding is open again.
 *
 *   [{ "attack": "JWT-ALG-NONE", "justification": "legacy client, removed in Q3", "expires": "2027-01-31" }]
 */
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a calendar date',
  );

const entrySchema = z.strictObject({
  attack: z.string().min(1),
  justification: z.string().trim().min(1, 'say why the finding is accepted'),
  /** the last day (UTC) on which the entry applies */
  expires: isoDay.optional(),
});

const fileSchema = z.array(entrySchema);

export type AcceptedFinding = z.output<typeof entrySchema>;

/** Today as YYYY-MM-DD in UTC: expiry dates are whole days. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** An entry applies up to and including its expiry day. */
export function isExpired(entry: AcceptedFinding, day: string): boolean {
  return entry.expires !== undefined && entry.expires < day;
}

/** Checks the shape of an accepted-findings list, and that every attack id is one the catalog has. */
export function parseAcceptedFindings(
  raw: unknown,
  file: string,
  knownAttacks: Iterable<string>,
): AcceptedFinding[] {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.length ? `[${i.path.join('].[')}]` : '(root)'}: ${i.message}`,
    );
    throw new GauntletError(
      `${file}: invalid accepted findings (expected [{ "attack", "justification", "expires"? }])\n${lines.join('\n')}`,
    );
  }
  const known = new Set(knownAttacks);
  const unknown = parsed.data.flatMap((e, i) =>
    known.has(e.attack) ? [] : [`  - [${i}].attack: unknown attack id '${e.attack}'`],
  );
  if (unknown.length) {
    throw new GauntletError(
      `${file}: accepted findings name attacks the catalog does not have\n${unknown.join('\n')}\n  (attack ids are listed in the README and in every report)`,
    );
  }
  return parsed.data;
}

/** Reads an accepted-findings JSON file; a missing file or bad JSON is a readable error. */
export function loadAcceptedFindings(file: string, knownAttacks: Iterable<string>): AcceptedFinding[] {
  if (!existsSync(file))
    throw new GauntletError(`accepted findings file not found: ${file} (manifest: acceptedFindings)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GauntletError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  return parseAcceptedFindings(raw, file, knownAttacks);
}

/** The entry that covers an attack today (the one lasting longest), and the expired ones, if any. */
function lookup(entries: AcceptedFinding[], attack: string, day: string) {
  const mine = entries.filter((e) => e.attack === attack);
  const active = mine
    .filter((e) => !isExpired(e, day))
    .sort((a, b) => (b.expires ?? '9999-99-99').localeCompare(a.expires ?? '9999-99-99'))[0];
  return { active, expired: mine.filter((e) => isExpired(e, day)) };
}

/** Marks one verdict: a fail covered by an entry is accepted; a fail whose entry expired says so and stays open. */
export function acceptVerdict(v: Verdict, entries: AcceptedFinding[], day: string): Verdict {
  if (v.status !== 'fail') return v;
  const { active, expired } = lookup(entries, v.attackId, day);
  if (active) {
    return {
      ...v,
      accepted: {
        justification: active.justification,
        ...(active.expires ? { expires: active.expires } : {}),
      },
    };
  }
  if (expired.length) {
    const e = expired[0]!;
    return {
      ...v,
      reason: `${v.reason} — the accepted finding for this attack expired on ${e.expires} ("${e.justification}"): it counts as a finding again`,
    };
  }
  return v;
}

/** What each entry did to a target's verdicts: applied, expired, or unused (its attack did not fail). */
export function acceptedStates(
  verdicts: Verdict[],
  entries: AcceptedFinding[],
  day: string,
): AcceptedFindingState[] {
  const failing = new Set(verdicts.filter((v) => v.status === 'fail').map((v) => v.attackId));
  return entries.map((e) => ({
    attack: e.attack,
    justification: e.justification,
    ...(e.expires ? { expires: e.expires } : {}),
    state: isExpired(e, day) ? 'expired' : failing.has(e.attack) ? 'applied' : 'unused',
  }));
}

/** Applies accepted findings to a target's verdicts and says what each entry did. */
export function applyAcceptedFindings(
  verdicts: Verdict[],
  entries: AcceptedFinding[],
  day = today(),
): { verdicts: Verdict[]; states: AcceptedFindingState[] } {
  const out = verdicts.map((v) => acceptVerdict(v, entries, day));
  return { verdicts: out, states: acceptedStates(out, entries, day) };
}
