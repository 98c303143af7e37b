import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { redactText, redactTextUnfiltered, redactValue, redactValueUnfiltered } from '../../redaction/index.js';

/** What a benchmark writes to. */
export interface RedactionBenchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * A typical large MCP output: a namespace's Deployments as YAML (env lists, annotations, images by
 * digest) and pod log tails, with a few secrets among thousands of ordinary lines.
 */
export function largeMcpOutput(deployments = 120): { text: string; structured: unknown } {
  const items = Array.from({ length: deployments }, (_, index) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `service-${index}`,
      namespace: 'shop',
      labels: { app: `service-${index}`, team: 'payments' },
      annotations: { 'deployment.kubernetes.io/revision': String(index % 7), 'example.com/owner': 'team-payments' },
    },
    spec: {
      replicas: 3,
      template: {
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.example.com/shop/service-${index}@sha256:${'3f2a9c1d4e5b6a7c'.repeat(4)}`,
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DB_HOST', value: `db-${index}.shop.svc.cluster.local` },
                { name: 'DB_PASSWORD', value: index % 40 === 0 ? 'Bench-Secret-991' : 'x' },
                { name: 'FEATURE_FLAGS', value: 'checkout-v2,fast-path' },
              ],
            },
          ],
        },
      },
    },
    status: {
      readyReplicas: 3,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
    },
  }));
  const logs = Array.from(
    { length: 2_000 },
    (_, index) =>
      `2026-12-04T02:${String(index % 60).padStart(2, '0')}:00Z level=info msg="GET /api/cart/${index} 200" ` +
      `duration_ms=${index % 97} trace_id=4bf92f3577b34da6a3ce929d0e0e${String(index).padStart(4, '0')}` +
      (index % 500 === 0 ? ' Authorization: Bearer Q7xW2mZ9vL4kP8nR3tY6bC1dF5' : ''),
  );
  return { text: `${stringify(items)}\n${logs.join('\n')}`, structured: { items, logs } };
}

function timeIt(run: (round: number) => void, rounds: number): number {
  run(-1);
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) run(round);
  return (performance.now() - started) / rounds;
}

/** The floor: one pass of one token regex over the same text (what any redaction costs at least). */
const NAIVE = /\b(?:xox[abposr]-|gh[pousr]_|sk-|AKIA)[A-Za-z0-9_-]{10,}/g;

/**
 * `npm run bench -- redaction`: milliseconds and MB/s of redacting a large MCP output, side by
 * side in one run: a naive single-regex pass; every rule over the text (the path before the
 * prefilter, kept as the reference); the prefiltered path on a text it has not seen (a different
 * text each round, so the cache cannot help); the same path over its own output (the re-scan of a
 * tool's output as the wire result and the model request: a cache hit); and structuredContent.
 * `--rounds N` (default 20).
 */
export async function runRedactionBenchmark(io: RedactionBenchIo, argv: string[] = []): Promise<number> {
  const flag = argv.indexOf('--rounds');
  const rounds = flag >= 0 ? Number(argv[flag + 1]) : 20;
  if (!Number.isInteger(rounds) || rounds < 1) {
    io.stderr.write('error: --rounds must be a positive whole number\n');
    return 2;
  }
  const { text, structured } = largeMcpOutput();
  const megabytes = Buffer.byteLength(text) / 1_000_000;
  // A text per round (and one for the warm-up), each new to the cache.
  const fresh = (label: string) => Array.from({ length: rounds + 1 }, (_, round) => `${text}\n# ${label} ${round}`);
  const before = fresh('before');
  const after = fresh('after');
  const naive = timeIt(() => void text.replace(NAIVE, '[redacted]'), rounds);
  const unfiltered = timeIt((round) => void redactTextUnfiltered(before[round + 1] ?? text), rounds);
  const asText = timeIt((round) => void redactText(after[round + 1] ?? text), rounds);
  const redacted = redactText(text);
  const rescan = timeIt(() => void redactText(redacted), rounds);
  const valueBefore = timeIt(() => void redactValueUnfiltered(structured), rounds);
  const asValue = timeIt(() => void redactValue(structured), rounds);
  const leaked = ['Bench-Secret-991', 'Q7xW2mZ9vL4kP8nR3tY6bC1dF5'].filter(
    (secret) => redactText(text).includes(secret) || JSON.stringify(redactValue(structured)).includes(secret),
  );
  const isSame =
    redactTextUnfiltered(text) === redacted &&
    JSON.stringify(redactValueUnfiltered(structured)) === JSON.stringify(redactValue(structured));
  const row = (name: string, ms: number) =>
    `| ${name} | ${ms.toFixed(1)} | ${(megabytes / (ms / 1000)).toFixed(1)} | ${(ms / naive).toFixed(1)}× |`;
  io.stdout.write(
    [
      `Redaction of one large MCP output (${megabytes.toFixed(2)} MB, ${rounds} rounds)`,
      '',
      '| pass | ms | MB/s | vs naive |',
      '|---|---:|---:|---:|',
      row('naive: one token regex over the text', naive),
      row('every rule over the text (before: no prefilter, no cache)', unfiltered),
      row('redactText, a text not seen before (prefilter)', asText),
      row('redactText again over its own output (re-scan: cache)', rescan),
      row('structuredContent, every rule over every string (before)', valueBefore),
      row('redactValue (structural + prefiltered text rules on every string)', asValue),
      '',
      `speed-up, before / after: text ${(unfiltered / asText).toFixed(2)}×, ` +
        `re-scan ${(unfiltered / rescan).toFixed(0)}×, ` +
        `structuredContent ${(valueBefore / asValue).toFixed(2)}×; same output: ${isSame ? 'yes' : 'NO'}`,
      `secrets left after redaction: ${leaked.length === 0 ? 'none' : leaked.join(', ')}`,
      '',
    ].join('\n'),
  );
  return leaked.length === 0 && isSame ? 0 : 1;
}
