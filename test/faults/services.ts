import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/probes.js';

/** A server process the fault suite owns: it can be stopped and started again on the same port. */
export interface OwnedService {
  readonly url: string;
  /** Stops the process (fast shutdown), waits `downMs`, starts it again and waits until it serves. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function until(isReady: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isReady()) {
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * redis-server on its own port with persistence off, so a restart loses every job and marker
 * (the worst case the durable intake must survive).
 */
export async function startRedis(): Promise<OwnedService> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const isUp = () =>
    spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await until(isUp, 'redis-server');
  };
  const stop = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    child = undefined;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async restart(downMs) {
      await stop();
      await sleep(downMs);
      await start();
    },
    close: stop,
  };
}

function postgresBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const latest = versions.at(-1);
  if (!latest) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return join('/usr/lib/postgresql', latest, 'bin', name);
}

/** Runs a PostgreSQL binary as the postgres user when we are root (the server refuses root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** A throwaway PostgreSQL cluster (initdb in a temp dir) on its own port; trust auth on loopback. */
export async function startPostgres(): Promise<OwnedService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sre-bot-faults-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const [initCommand, initArgs] = asPostgres(postgresBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust']);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  let child: ChildProcess | undefined;
  const isUp = () => spawnSync(postgresBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
  const start = async () => {
    const [command, args] = asPostgres(postgresBin('postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ]);
    child = spawn(command, args, { stdio: 'ignore' });
    await until(isUp, 'postgres');
  };
  const stop = async () => {
    if (!child) return;
    // SIGINT is PostgreSQL's fast shutdown: open connections are cut, like a failover or restart.
    const [command, args] = asPostgres(postgresBin('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    spawnSync(command, args);
    await exited(child);
    child = undefined;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs) {
      await stop();
      await sleep(downMs);
      await start();
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
