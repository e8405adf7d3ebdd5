import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { RUN_LABEL } from '../launch/teardown.ts';

/**
 * CPU placement of a bench on one machine. `split`: the target's containers get the first half of the CPUs and
 * the load generator (this process, its threads) the rest, so the generator never takes CPU time from the
 * target and what is measured is the target. `shared`: no placement (url targets, or when it cannot be done).
 */
export interface CpuPlacement {
  mode: 'split' | 'shared';
  target?: string;
  generator?: string;
  /** why the placement is what it is */
  why: string;
}

/** The two halves of `total` CPUs as taskset/cpuset lists: the target gets the larger half. */
export function splitCpus(total: number): { target: string; generator: string } | undefined {
  if (total < 2) return undefined;
  const t = Math.ceil(total / 2);
  const list = (from: number, to: number) => (from === to ? `${from}` : `${from}-${to}`);
  return { target: list(0, t - 1), generator: list(t, total - 1) };
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

/** The CPU list this process may run on, e.g. `0,1` (from taskset). */
function currentAffinity(pid: number): string | undefined {
  try {
    return run('taskset', ['-pc', String(pid)])
      .split(':')
      .at(-1)
      ?.trim();
  } catch {
    return undefined;
  }
}

/** Pins every thread of a process (threads it starts later inherit the mask). */
export function pinProcess(pid: number, list: string): void {
  run('taskset', ['-apc', list, String(pid)]);
}

/**
 * Splits the CPUs between the containers this process started (the target) and this process (the load
 * generator); gives back a function that undoes it for this process. Any step that fails leaves everything
 * shared, with the reason.
 */
export function placeCpus(
  want: 'split' | 'shared',
  launch: 'containers' | 'url',
): {
  placement: CpuPlacement;
  restore: () => void;
} {
  const none = (why: string) => ({ placement: { mode: 'shared' as const, why }, restore: () => {} });
  if (want === 'shared') return none('CPUs shared by target and load generator (--cpus shared)');
  if (launch !== 'containers')
    return none('CPUs shared: the target is not a container the harness started, so it cannot be placed');
  const halves = splitCpus(cpus().length);
  if (!halves) return none('CPUs shared: one CPU only');
  const before = currentAffinity(process.pid);
  try {
    const ids = run('docker', ['ps', '-q', '--filter', `label=${RUN_LABEL}=${process.pid}`])
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (ids.length === 0) return none('CPUs shared: no container of this run found');
    run('docker', ['update', '--cpuset-cpus', halves.target, ...ids]);
    pinProcess(process.pid, halves.generator);
  } catch (err) {
    return none(`CPUs shared: placement failed (${(err as Error).message.split('\n')[0]})`);
  }
  return {
    placement: {
      mode: 'split',
      ...halves,
      why: `target containers on CPU ${halves.target}, load generator on CPU ${halves.generator}`,
    },
    restore: () => {
      if (before) pinProcess(process.pid, before);
    },
  };
}

/** The CPU ids a taskset list such as `1`, `4-7` or `0,2` names. */
export function cpuIds(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number);
    return Array.from({ length: to === undefined ? 1 : to - from! + 1 }, (_, i) => from! + i);
  });
}

/** How many CPUs a taskset list names. */
export function cpuCount(list: string): number {
  return cpuIds(list).length;
}

/** The target's and the generator's CPUs (taskset lists) when they do not share any. */
export interface SplitCpus {
  target: string;
  generator: string;
}

/** The CPU lists of a split placement; undefined when target and generator share CPUs. */
export function splitLists(p: CpuPlacement | undefined): SplitCpus | undefined {
  return p?.mode === 'split' && p.target && p.generator
    ? { target: p.target, generator: p.generator }
    : undefined;
}

/** One load generator thread per CPU the generator has to itself; with shared CPUs, `fallback`. */
export function generatorThreads(p: CpuPlacement, fallback: number): number {
  return p.mode === 'split' && p.generator ? cpuCount(p.generator) : fallback;
}
