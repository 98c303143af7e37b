/**
 * TLS material for the sandbox's HTTPS servers: a throw-away CA and a server certificate for
 * 127.0.0.1 / localhost, generated with the installed `openssl` CLI (no key ever leaves `dir`).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM-encoded CA certificate, server certificate and server key. */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Generates a CA and a 127.0.0.1/localhost server certificate into `dir` (created if needed). */
export async function createTlsMaterial(dir: string): Promise<TlsMaterial> {
  await mkdir(dir, { recursive: true });
  const path = (name: string): string => join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '3650',
    '-subj',
    '/CN=sre-bot-sandbox-ca',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.crt'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=sandbox-apiserver',
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
  ]);
  await writeFile(
    path('server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.crt'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    path('server.ext'),
    '-out',
    path('server.crt'),
  ]);
  const [caPem, certPem, keyPem] = await Promise.all([
    readFile(path('ca.crt'), 'utf8'),
    readFile(path('server.crt'), 'utf8'),
    readFile(path('server.key'), 'utf8'),
  ]);
  return { caPem, certPem, keyPem };
}
