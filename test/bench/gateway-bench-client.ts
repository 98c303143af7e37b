import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

/** Percentiles of a sample of latencies (ms). */
export interface Stats {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

/** p50, p99 and mean of `samples`. */
export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    p50: at(0.5),
    p99: at(0.99),
    mean: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
    count: sorted.length,
  };
}

let rpcId = 0;
/** Keep-alive pool of the fan-out measurements (the overhead runs give each client its own). */
export const sharedAgent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

/** The part of a tools/call result the benchmark reads. */
export type CallResult = { isError?: boolean; structuredContent?: unknown };

/** Where a benchmark call goes: the MCP endpoint and the headers it needs (auth, session). */
export interface Target {
  url: string;
  headers: Record<string, string>;
}

/** A target that authenticates with a bearer token. */
export function bearerTarget(url: string, token: string): Target {
  return { url, headers: { authorization: `Bearer ${token}` } };
}

/** The JSON-RPC message of a response body: plain JSON, or the last `data:` line of an event stream. */
function parseRpcBody(text: string): { result?: CallResult; error?: { message: string } } {
  if (!text.startsWith('{')) {
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .pop();
    return JSON.parse(data?.slice(5) ?? '{}') as { result?: CallResult; error?: { message: string } };
  }
  return JSON.parse(text) as { result?: CallResult; error?: { message: string } };
}

/**
 * One JSON-RPC request over node:http (cheaper for the load generator than fetch, which shares
 * the two cores with what it measures); resolves with the response headers and body.
 */
function post(
  target: Target,
  body: string,
  agent: Agent,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** One tools/call; resolves with the milliseconds it took and its result, rejects on a JSON-RPC error. */
export async function timedCall(
  target: Target,
  name: string,
  args: Record<string, unknown>,
  agent: Agent = sharedAgent,
): Promise<{ ms: number; result: CallResult }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method: 'tools/call', params: { name, arguments: args } });
  const started = performance.now();
  const response = await post(target, body, agent);
  const ms = performance.now() - started;
  const json = parseRpcBody(response.text);
  if (json.error || !json.result)
    throw new Error(`${name} failed: ${json.error?.message ?? `HTTP ${response.status}`}`);
  return { ms, result: json.result };
}

/** Opens an MCP session (initialize + initialized) and returns a target carrying its session id. */
export async function openSession(target: Target, protocolVersion = '2025-06-18'): Promise<Target> {
  const init = await post(
    target,
    JSON.stringify({
      jsonrpc: '2.0',
      id: ++rpcId,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 'gateway-bench', version: '1' } },
    }),
    sharedAgent,
  );
  const session = init.headers['mcp-session-id'];
  if (typeof session !== 'string')
    throw new Error(`initialize gave no session (HTTP ${init.status}): ${init.text.slice(0, 300)}`);
  const headers = { ...target.headers, 'mcp-session-id': session, 'mcp-protocol-version': protocolVersion };
  await post(
    { url: target.url, headers },
    JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    sharedAgent,
  );
  return { url: target.url, headers };
}

/** Closed loop: `concurrency` callers, each starting its next call when the last one ends, `total` calls in all. */
export async function load(
  concurrency: number,
  total: number,
  call: () => Promise<number>,
): Promise<{ samples: number[]; seconds: number }> {
  const samples: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued += 1;
        samples.push(await call());
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop: `clients` callers, each with its own connection, together start `rate` calls per
 * second on a fixed schedule (round-robin over the clients) for `seconds`, whether or not earlier
 * calls have finished. Latency runs from the scheduled start, so a call that waits for its
 * client's busy connection, or for a late timer, is charged that wait (no coordinated omission).
 */
export async function openLoop(
  clients: number,
  rate: number,
  seconds: number,
  call: (agent: Agent) => Promise<unknown>,
): Promise<{ samples: number[]; seconds: number; maxLagMs: number }> {
  const agents = Array.from({ length: clients }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  // Open every client's connection first, as long-lived clients would have.
  await Promise.all(agents.map((agent) => call(agent)));
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const samples: number[] = [];
  const pending: Promise<void>[] = [];
  let sent = 0;
  let maxLagMs = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && started + sent * interval <= now) {
        const scheduled = started + sent * interval;
        maxLagMs = Math.max(maxLagMs, now - scheduled);
        const agent = agents[sent % clients] as Agent;
        pending.push(call(agent).then(() => void samples.push(performance.now() - scheduled)));
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  for (const agent of agents) agent.destroy();
  return { samples, seconds: elapsed, maxLagMs };
}

/** A port free right now on 127.0.0.1 (for servers that cannot report the port they bound). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Spawns a process and resolves with the first stdout/stderr line matching `pattern`. */
export function spawnUntil(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stream: 'stdout' | 'stderr',
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: stream === 'stdout' ? child.stdout : child.stderr });
    const other = stream === 'stdout' ? child.stderr : child.stdout;
    let seen = '';
    other.on('data', (chunk: Buffer) => {
      seen = `${seen}${chunk.toString('utf8')}`.slice(-4000);
    });
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match) {
        // Keep draining so a chatty child never blocks on a full pipe.
        lines.removeAllListeners('line');
        lines.on('line', () => undefined);
        resolve({ child, match });
      } else seen = `${seen}${line}\n`.slice(-4000);
    });
    child.once('exit', (code) =>
      reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${seen.slice(-2000)}`)),
    );
  });
}

/** Spawns a process whose stderr goes to `logPath`, resolving once a line of it matches `pattern`. */
export async function spawnLoggingToFile(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const fd = openSync(logPath, 'w');
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (let waited = 0; waited < 120_000; waited += 50) {
    const match = pattern.exec(readFileSync(logPath, 'utf8'));
    if (match) return { child, match };
    if (exited !== undefined)
      throw new Error(`${args.join(' ')} exited with ${exited}:\n${readFileSync(logPath, 'utf8').slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`${args.join(' ')} did not start within 120 s`);
}

/** Stops children (SIGTERM) and waits until each has exited, so no process outlives the benchmark. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** One GET (a backend API call, e.g. Argo CD's application list); resolves with the milliseconds it took. */
export function timedGet(target: Target, agent: Agent = sharedAgent): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(target.url, { agent, headers: target.headers }, (res) => {
      res.resume();
      res.once('error', reject);
      res.once('end', () =>
        res.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`GET ${target.url}: HTTP ${res.statusCode}`)),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

/** Process ids of `pid` and all its descendants (Linux /proc; just `pid` elsewhere). */
function processTree(pid: number): number[] {
  const pids = [pid];
  for (let index = 0; index < pids.length; index++) {
    const current = pids[index] as number;
    try {
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8').trim();
        if (children) pids.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // Not Linux, or the process is gone: count what we found.
    }
  }
  return pids;
}

/** CPU time (user + system, ms) used so far by a child process and its descendants; NaN where /proc is unavailable. */
export function processCpuMs(pid: number): number {
  let ticks = 0;
  try {
    for (const current of processTree(pid)) {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return Number.NaN;
  }
  return ticks * 10; // USER_HZ is 100 on Linux.
}
