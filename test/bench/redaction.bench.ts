import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { redactText, redactValue } from '../../redaction/index.js';

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

function timeIt(run: () => void, rounds: number): number {
  run();
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) run();
  return (performance.now() - started) / rounds;
}

/** The floor: one pass of one token regex over the same text (what any redaction costs at least). */
const NAIVE = /\b(?:xox[abposr]-|gh[pousr]_|sk-|AKIA)[A-Za-z0-9_-]{10,}/g;

/**
 * `npm run bench -- redaction`: milliseconds and MB/s of redacting a large MCP output, as text and
 * as structuredContent, against a naive single-regex pass over the same text, side by side in one
 * run. `--rounds N` (default 20).
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
  const naive = timeIt(() => void text.replace(NAIVE, '[redacted]'), rounds);
  const asText = timeIt(() => void redactText(text), rounds);
  const asValue = timeIt(() => void redactValue(structured), rounds);
  const leaked = ['Bench-Secret-991', 'Q7xW2mZ9vL4kP8nR3tY6bC1dF5'].filter(
    (secret) => redactText(text).includes(secret) || JSON.stringify(redactValue(structured)).includes(secret),
  );
  const row = (name: string, ms: number) =>
    `| ${name} | ${ms.toFixed(1)} | ${(megabytes / (ms / 1000)).toFixed(1)} | ${(ms / naive).toFixed(1)}× |`;
  io.stdout.write(
    [
      `Redaction of one large MCP output (${megabytes.toFixed(2)} MB, ${rounds} rounds)`,
      '',
      '| pass | ms | MB/s | vs naive |',
      '|---|---:|---:|---:|',
      row('naive: one token regex over the text', naive),
      row('redactText (secretlint preset + patterns + entropy)', asText),
      row('redactValue (structural + text rules on every string)', asValue),
      '',
      `secrets left after redaction: ${leaked.length === 0 ? 'none' : leaked.join(', ')}`,
      '',
    ].join('\n'),
  );
  return leaked.length === 0 ? 0 : 1;
}
