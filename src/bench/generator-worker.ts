// A load generator thread: loads autocannon, says it is ready, runs its share of the load on 'start', and
// posts its measurement back. Started by generator.ts; never imported.
import { parentPort, workerData } from 'node:worker_threads';
import { type LoadJob, startLoad } from './autocannon.ts';

const port = parentPort!;
let stop: (() => void) | undefined;
port.on('message', (msg: 'start' | 'stop') => {
  if (msg === 'stop') {
    stop?.();
    return;
  }
  const load = startLoad(workerData as LoadJob);
  stop = load.stop;
  load.done.then(
    (m) => port.postMessage({ ok: m }),
    (err: Error) => port.postMessage({ error: err.message }),
  );
});
port.postMessage('ready');
