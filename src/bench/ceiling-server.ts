// The trivial server the load generator's ceiling is measured against, in a process of its own: every
// request (a GET without body) gets a canned `200 ok`, with no HTTP parser and no work, over TLS when
// BENCH_TLS_CERT/BENCH_TLS_KEY are set (PEM). It answers faster than the generator can ask (node:https
// does not: its parser made it the bottleneck), so the figure is the generator's. Prints {"port":N}; runs
// until stdin closes.
import { createServer as createNet, type Socket } from 'node:net';
import { createServer as createTls } from 'node:tls';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');
const END = '\r\n\r\n';

/** Counts request ends in a stream of requests; `carry` keeps the last bytes so an end split across chunks counts. */
function serve(socket: Socket): void {
  let carry = '';
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    const text = carry + chunk.toString('latin1');
    let n = 0;
    let at = text.indexOf(END);
    let last = -1;
    while (at !== -1) {
      n++;
      last = at + END.length;
      at = text.indexOf(END, last);
    }
    carry = text.slice(Math.max(last, text.length - (END.length - 1)));
    if (n === 1) socket.write(RESPONSE);
    else if (n > 1) socket.write(Buffer.concat(Array.from({ length: n }, () => RESPONSE)));
  });
}

const cert = process.env.BENCH_TLS_CERT;
const key = process.env.BENCH_TLS_KEY;
const server = cert && key ? createTls({ cert, key }, serve) : createNet(serve);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' ? address?.port : 0 })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
