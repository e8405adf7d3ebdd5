/** Bounds traffic to a target: at most `concurrency` requests in flight and `rps` started per second. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private nextStart = 0;

  private readonly concurrency: number;
  private readonly rps: number;

  constructor(concurrency: number, rps: number) {
    this.concurrency = concurrency;
    this.rps = rps;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      const now = Date.now();
      const start = Math.max(now, this.nextStart);
      this.nextStart = start + 1000 / this.rps;
      if (start > now) await new Promise((r) => setTimeout(r, start - now));
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
