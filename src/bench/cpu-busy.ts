import { readFileSync } from 'node:fs';
import { cpuIds, type SplitCpus } from './cpus.ts';

/** How busy the target's CPUs and the load generator's CPUs were during one run, each 0–1. */
export interface CpuBusy {
  target: number;
  generator: number;
}

interface Ticks {
  busy: number;
  total: number;
}

/**
 * The per-CPU lines of /proc/stat (`cpuN user nice system idle iowait irq softirq steal …`): idle and iowait
 * are idle time; everything else is busy, steal included (the CPU was not ours to use).
 */
export function parseProcStat(text: string): Map<number, Ticks> {
  const ticks = new Map<number, Ticks>();
  for (const line of text.split('\n')) {
    const m = line.match(/^cpu(\d+)\s+(.*)$/);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2]!.trim().split(/\s+/).map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    ticks.set(Number(m[1]), { busy, total: busy + (idle ?? 0) + (iowait ?? 0) });
  }
  return ticks;
}

/** The busy share of `ids` between two /proc/stat readings; undefined when a CPU is missing or no time passed. */
export function busyShare(
  ids: number[],
  before: Map<number, Ticks>,
  after: Map<number, Ticks>,
): number | undefined {
  let busy = 0;
  let total = 0;
  for (const id of ids) {
    const a = before.get(id);
    const b = after.get(id);
    if (!a || !b) return undefined;
    busy += b.busy - a.busy;
    total += b.total - a.total;
  }
  return total > 0 ? busy / total : undefined;
}

function readProcStat(): Map<number, Ticks> | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined; // not Linux: no CPU figures, nothing else changes
  }
}

/**
 * Starts measuring how busy the target's and the generator's CPUs (taskset lists) are; the function it returns
 * gives both shares since the start, or undefined where /proc/stat cannot be read. This is what tells a figure
 * of the target from a figure of the load generator: a saturated generator beside an idling target measures
 * the generator.
 */
export function cpuBusyMeter(cpus: SplitCpus): () => CpuBusy | undefined {
  const target = cpuIds(cpus.target);
  const generator = cpuIds(cpus.generator);
  const before = readProcStat();
  return () => {
    const after = readProcStat();
    if (!before || !after) return undefined;
    const t = busyShare(target, before, after);
    const g = busyShare(generator, before, after);
    return t === undefined || g === undefined ? undefined : { target: t, generator: g };
  };
}

/** Runs `work`, metering the CPUs when they are split; the CPU figures are undefined when not measured. */
export async function withCpuBusy<T>(
  cpus: SplitCpus | undefined,
  work: () => Promise<T>,
): Promise<[T, CpuBusy | undefined]> {
  const meter = cpus ? cpuBusyMeter(cpus) : undefined;
  const value = await work();
  return [value, meter?.()];
}

/** a CPU set this busy or more is saturated */
const SATURATED = 0.9;

/**
 * Which side set the pace of a run: the one whose CPUs were saturated while the other's were not; undefined
 * when both or neither were (or nothing was measured). Measured here: autocannon on one CPU against the
 * reference's health endpoint, generator 99 % busy, target 80 % (the generator); wrk on the same CPU,
 * generator 72 %, target 97 % (the target).
 */
export function boundBy(c: CpuBusy | undefined): 'target' | 'generator' | undefined {
  if (!c) return undefined;
  const t = c.target >= SATURATED;
  const g = c.generator >= SATURATED;
  return t === g ? undefined : t ? 'target' : 'generator';
}

/** The generator, not the target, set the pace: the figure is the generator's. */
export function generatorBound(c: CpuBusy | undefined): boolean {
  return boundBy(c) === 'generator';
}
