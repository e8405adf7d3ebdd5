import { connect } from 'node:tls';
import { toPem } from '../../fixtures/pki/pem.ts';

/** The certificate an HTTPS endpoint presents (PEM), or undefined for plain HTTP or no answer. */
export function fetchServerCertificate(baseUrl: string, timeoutMs = 3000): Promise<string | undefined> {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 443),
      servername: /^[\d.]+$/.test(url.hostname) ? undefined : url.hostname,
      // only to read the certificate the target publishes; nothing is sent
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    const done = (pem?: string) => {
      socket.destroy();
      resolve(pem);
    };
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done(cert?.raw ? toPem(cert.raw, 'CERTIFICATE') : undefined);
    });
    socket.once('error', () => done());
    socket.once('timeout', () => done());
  });
}
