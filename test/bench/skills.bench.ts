import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { packageRoot } from '../../bot/package-root.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import type { EvidenceBundle } from '../../bot/skills/evidence.js';

/**
 * `npm run bench -- skills`: the skill catalog at the starter size (16+) and at 2,000 generated
 * skills, side by side in one run: load time, search and match latency, and the prompt-index
 * size (estimated and cl100k tokens). Prints a table; `--json` prints the numbers.
 */

const WORDS = (
  'pod node volume quota probe image registry secret config map service endpoint selector ingress certificate dns ' +
  'latency memory cpu disk eviction scheduler affinity taint toleration rollout replica deployment statefulset job ' +
  'cron hook sync drift policy admission webhook label annotation namespace network timeout retry backoff restart'
).split(' ');
const REASONS = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'OOMKilled',
  'FailedScheduling',
  'FailedMount',
  'Unhealthy',
  'BackOff',
  'Evicted',
];
const QUERIES = [
  'pod stuck pending node affinity',
  'image pull back-off private registry secret',
  'oomkilled memory limit',
  'argocd sync failed namespace not found',
  'kyverno policy blocked deployment',
  'service no endpoints selector',
  'certificate expired ingress tls',
  'hpa not scaling missing cpu request',
];

function pick<T>(list: readonly T[], seed: number): T {
  return list[seed % list.length] as T;
}

/** A deterministic, realistic-size skill (about 1.5k tokens of body). */
function generatedSkill(index: number): string {
  const name = `generated-${pick(WORDS, index)}-${pick(WORDS, index * 7 + 3)}-${index}`;
  const topic = `${pick(WORDS, index * 3)} ${pick(WORDS, index * 5 + 1)} ${pick(WORDS, index * 11 + 2)}`;
  const paragraph = (seed: number) =>
    Array.from({ length: 60 }, (_, word) => pick(WORDS, seed * 31 + word * 17 + index)).join(' ');
  const body = [
    `# ${name}`,
    '',
    paragraph(1),
    '',
    '## Signals',
    '',
    `- ${pick(REASONS, index)} with ${topic}.`,
    '',
    '## Investigate',
    '',
    '1. `describe_workload` on the workload; read the container states.',
    '2. `list_events` for the namespace; group by reason.',
    '3. `get_pod_logs` with `previous: true`.',
    '',
    paragraph(2),
    '',
    paragraph(3),
    '',
    '## Fix',
    '',
    `Change the values file in git for ${topic}, merge, and let Argo CD sync it.`,
    '',
    paragraph(4),
    '',
    '## Corrections',
    '',
  ].join('\n');
  return [
    '---',
    `name: ${name}`,
    `description: Diagnose ${topic} problems on Kubernetes. Use when ${pick(WORDS, index * 13)} ` +
      `${pick(WORDS, index * 19 + 5)} fails with ${pick(REASONS, index * 3)}.`,
    'metadata:',
    '  owner: "bench"',
    '  severity: "medium"',
    `  signals: 'reason:${pick(REASONS, index)}; event:${pick(REASONS, index + 1)}~"${pick(WORDS, index)} ` +
      `${pick(WORDS, index + 9)}"; log~/${pick(WORDS, index * 2)}.*${pick(WORDS, index * 2 + 1)}/i'`,
    '---',
    body,
  ].join('\n');
}

function writeGenerated(root: string, count: number): void {
  for (let index = 0; index < count; index += 1) {
    const text = generatedSkill(index);
    const name = /^name: (.+)$/m.exec(text)?.[1] ?? `generated-${index}`;
    mkdirSync(join(root, name), { recursive: true });
    writeFileSync(join(root, name, 'SKILL.md'), text);
  }
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

const EVIDENCE: EvidenceBundle = [
  {
    kind: 'container_state',
    source: 'kubernetes/prod/pod/shop/checkout-1',
    text: 'container checkout: waiting reason=CrashLoopBackOff; last terminated reason=OOMKilled exitCode=137',
  },
  {
    kind: 'event',
    source: 'kubernetes/prod/pod/shop/checkout-1',
    text: 'Warning BackOff (x12): Back-off restarting failed container checkout',
  },
  {
    kind: 'log',
    source: 'kubernetes/prod/pod/shop/checkout-1',
    text: 'java.lang.OutOfMemoryError: Java heap space\nmemory pressure on node volume',
  },
];

interface SizeResult {
  skills: number;
  loadMs: number;
  searchP50Ms: number;
  searchP99Ms: number;
  matchP99Ms: number;
  indexTokensEstimate: number;
  indexTokensCl100k: number;
  indexListed: number;
  allDescriptionsTokensCl100k: number;
}

async function measure(roots: string[], encode: (text: string) => number, loads: number): Promise<SizeResult> {
  const loadTimes: number[] = [];
  let catalog: SkillCatalog | undefined;
  for (let run = 0; run < loads; run += 1) {
    await catalog?.close();
    const started = performance.now();
    catalog = await createSkillCatalog({ roots });
    loadTimes.push(performance.now() - started);
  }
  if (!catalog) throw new Error('no catalog loaded');
  // Warm-up, then timed rounds.
  for (const query of QUERIES) catalog.search(query);
  const searchTimes: number[] = [];
  for (let round = 0; round < 250; round += 1) {
    for (const query of QUERIES) {
      const started = performance.now();
      catalog.search(query, { limit: 10 });
      searchTimes.push(performance.now() - started);
    }
  }
  const matchTimes: number[] = [];
  for (let round = 0; round < 100; round += 1) {
    const started = performance.now();
    catalog.match(EVIDENCE);
    matchTimes.push(performance.now() - started);
  }
  const index = catalog.index({ query: 'checkout keeps restarting, out of memory?', evidence: EVIDENCE });
  const everything = catalog
    .list()
    .map((skill) => `- ${skill.name}: ${skill.description}`)
    .join('\n');
  const result: SizeResult = {
    skills: catalog.list().length,
    loadMs: percentile(loadTimes, 0.5),
    searchP50Ms: percentile(searchTimes, 0.5),
    searchP99Ms: percentile(searchTimes, 0.99),
    matchP99Ms: percentile(matchTimes, 0.99),
    indexTokensEstimate: index.tokens,
    indexTokensCl100k: encode(index.text),
    indexListed: index.included.length,
    allDescriptionsTokensCl100k: encode(everything),
  };
  await catalog.close();
  return result;
}

function formatTable(small: SizeResult, large: SizeResult): string {
  const rows: Array<[string, (result: SizeResult) => number, number, string]> = [
    ['skills loaded', (result) => result.skills, 0, ''],
    ['load (median of runs)', (result) => result.loadMs, 1, 'ms'],
    ['search p50', (result) => result.searchP50Ms, 3, 'ms'],
    ['search p99', (result) => result.searchP99Ms, 3, 'ms'],
    ['signal match p99', (result) => result.matchP99Ms, 3, 'ms'],
    ['prompt index: skills listed', (result) => result.indexListed, 0, ''],
    ['prompt index tokens (cl100k)', (result) => result.indexTokensCl100k, 0, ''],
    ['prompt index tokens (estimate)', (result) => result.indexTokensEstimate, 0, ''],
    ['all name+description tokens (cl100k)', (result) => result.allDescriptionsTokensCl100k, 0, ''],
  ];
  const header = ['metric', `${small.skills} skills`, `${large.skills} skills`, 'ratio'];
  const body = rows.map(([label, read, digits, unit]) => {
    const left = read(small);
    const right = read(large);
    const ratio = left === 0 ? 'n/a' : `${(right / left).toFixed(2)}x`;
    return [
      label,
      `${left.toFixed(digits)}${unit ? ` ${unit}` : ''}`,
      `${right.toFixed(digits)}${unit ? ` ${unit}` : ''}`,
      ratio,
    ];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((row) => (row[column] ?? '').length)));
  const render = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(render)].join('\n');
}

/** Where the benchmark writes; the CLI's CliIo fits (kept structural: test code must not import the CLI). */
export interface BenchmarkIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs the skills benchmark. Options: --count N (default 2000), --json. */
export async function runSkillsBenchmark(io: BenchmarkIo, argv: string[] = []): Promise<number> {
  const countFlag = argv.indexOf('--count');
  const count = countFlag >= 0 ? Number(argv[countFlag + 1]) : 2000;
  if (!Number.isInteger(count) || count < 1) {
    io.stderr.write('error: --count must be a positive whole number\n');
    return 2;
  }
  const encoding = getEncoding('cl100k_base');
  const encode = (text: string): number => encoding.encode(text).length;
  const starter = join(packageRoot(), 'skills');
  const workDir = mkdtempSync(join(tmpdir(), 'sre-bot-skills-bench-'));
  try {
    const generated = join(workDir, 'skills');
    writeGenerated(generated, count);
    const small = await measure([starter], encode, 5);
    // The large catalog holds the starter library too, so relevance has real targets.
    const large = await measure([starter, generated], encode, 3);
    const budgets = {
      loadUnder1s: large.loadMs < 1000,
      searchP99Under2ms: large.searchP99Ms < 2,
      indexBounded: large.indexListed < large.skills,
    };
    if (argv.includes('--json')) {
      io.stdout.write(`${JSON.stringify({ small, large, budgets })}\n`);
    } else {
      io.stdout.write(`${formatTable(small, large)}\n\n`);
      io.stdout.write(
        `budgets: load < 1 s ${budgets.loadUnder1s ? 'ok' : 'MISSED'}; search p99 < 2 ms ` +
          `${budgets.searchP99Under2ms ? 'ok' : 'MISSED'}; ` +
          (`index lists ${large.indexListed} of ${large.skills} skills (${large.indexTokensCl100k} tokens ` +
            `instead of ${large.allDescriptionsTokensCl100k}) ${budgets.indexBounded ? 'ok' : 'MISSED'}\n`),
      );
    }
    return Object.values(budgets).every(Boolean) ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
