import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CliIo } from '../../bot/cli/command.js';
import { draftFromRecords } from '../../bot/rca/draft-triage.js';
import { loadRcaRecords } from '../../bot/rca/load-records.js';
import { renderRcaMarkdown } from '../../bot/rca/rca-markdown.js';
import { createRcaService } from '../../bot/rca/rca-service.js';
import { migrate } from '../../bot/store/migrate.js';
import { openDatabase } from '../../bot/store/open-database.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { indexFilter, indexPage } from '../../bot/web/index-page.js';
import { createRcaWebServer } from '../../bot/web/web-server.js';

/**
 * `npm run bench -- rca`: (1) time to draft an RCA in triage mode from a finished investigation
 * with a realistic record (40 tool calls, 60 event groups, 10 deployments), split into reading
 * the records and building the document; (2) time to serve the index page over HTTP with 1,000
 * RCAs, beside the pure HTML render of the same rows. Goals: draft < 1 s, index p95 < 100 ms.
 * Flags: --drafts N, --rcas N, --requests N, --json.
 */

const TEAMS = ['shop', 'payments', 'search', 'identity'];
const SERVICES = ['checkout', 'cart', 'ledger', 'search-api', 'login', 'catalog', 'payments-gw', 'orders'];

function flag(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(argv[index + 1]) : Number.NaN;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function seedInvestigation(store: Store, id: string, index: number): Promise<void> {
  const service = SERVICES[index % SERVICES.length] ?? 'checkout';
  await store.investigations.create({
    id,
    source: 'slack',
    question: `why is ${service} failing?`,
    channel: `C0TEAM${index % TEAMS.length}00`,
    thread: '1795860600.000100',
    userId: 'U0ASKER01',
  });
  const history = Array.from({ length: 10 }, (_, n) => ({
    id: String(10 - n),
    revision: `${n}`.padStart(40, 'a'),
    deployedAt: new Date(Date.now() - (n + 1) * 3_600_000).toISOString(),
    message: `release ${n}`,
  }));
  await store.toolCalls.record({
    investigationId: id,
    server: 'gateway',
    tool: 'get_application',
    arguments: { name: service },
    outcome: 'ok',
    durationMs: 5,
    result: { name: service, health: 'Degraded', history },
  });
  const groups = Array.from({ length: 60 }, (_, n) => ({
    type: n % 3 === 0 ? 'Normal' : 'Warning',
    reason: `Reason${n % 7}`,
    object: `Pod/${service}-${n}`,
    message: `event ${n} on ${service}: back-off restarting failed container`,
    count: n + 1,
    lastSeen: new Date(Date.now() - (60 - n) * 30_000).toISOString(),
  }));
  await store.toolCalls.record({
    investigationId: id,
    server: 'gateway',
    tool: 'list_events',
    arguments: {},
    outcome: 'ok',
    durationMs: 5,
    result: { groups },
  });
  for (let n = 0; n < 38; n += 1)
    await store.toolCalls.record({
      investigationId: id,
      server: 'gateway',
      tool: 'describe_workload',
      arguments: { name: `${service}-${n}` },
      outcome: n % 10 === 0 ? 'failed' : 'ok',
      durationMs: 5,
    });
  await store.investigations.finish(id, {
    status: 'answered',
    answer: {
      rootCause: `${service} crashes on start: missing env DATABASE_URL.`,
      summary: 'Pods crash.',
      confidence: 'high',
      nextSteps: ['Add the variable.'],
      evidence: [],
      skills: [],
      instances: ['prod'],
      notes: [],
    },
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
  });
}

async function measureDrafts(store: Store, count: number) {
  const service = createRcaService({ store, teamOf: (channel) => TEAMS[Number(channel.slice(6, 7))] });
  const total: number[] = [];
  const load: number[] = [];
  const build: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const id = `bench-inv-${n}`;
    await seedInvestigation(store, id, n);
    const started = performance.now();
    const records = await loadRcaRecords(store, id);
    const loaded = performance.now();
    draftFromRecords(records);
    build.push(performance.now() - loaded);
    load.push(loaded - started);
    const drafting = performance.now();
    await service.draft(id, { author: 'bench' });
    total.push(performance.now() - drafting);
  }
  return {
    count,
    p50Ms: round(percentile(total, 50)),
    p95Ms: round(percentile(total, 95)),
    loadRecordsP95Ms: round(percentile(load, 95)),
    buildDocumentP95Ms: round(percentile(build, 95)),
  };
}

async function seedIndex(store: Store, count: number): Promise<void> {
  await seedInvestigation(store, 'bench-index-source', 0);
  const template = draftFromRecords(await loadRcaRecords(store, 'bench-index-source'));
  for (let n = 0; n < count; n += 1) {
    const at = new Date(Date.now() - n * 3_600_000 * 2);
    const doc = {
      ...template,
      title: `${SERVICES[n % SERVICES.length] ?? 'x'}: incident ${n}`,
      service: SERVICES[n % SERVICES.length],
      detection: { ...template.detection, startedAt: at.toISOString() },
    };
    const id = `bench-rca-${n}`;
    await store.rcas.create({
      id,
      investigationId: 'bench-index-source',
      author: 'bench',
      mode: 'triage',
      team: TEAMS[n % TEAMS.length] ?? 'shop',
      content: {
        document: doc,
        title: doc.title,
        bodyMarkdown: renderRcaMarkdown(doc, { id, status: 'draft', version: 1 }),
        severity: 'sev3',
        ...(doc.service ? { service: doc.service } : {}),
        incidentAt: at,
        minutesToDetect: n % 90,
        minutesToRecover: n % 240,
      },
    });
  }
}

async function measureIndex(store: Store, rcas: number, requests: number) {
  await seedIndex(store, rcas);
  const reader = { id: 'U0BENCH', name: 'bench', teams: TEAMS };
  const web = createRcaWebServer({
    service: createRcaService({ store }),
    store,
    logger: createLogger({ level: 'silent' }),
    baseUrl: 'http://127.0.0.1',
    sessionSecret: 'bench'.repeat(8),
    trustedHeader: { user: 'x-user', teams: 'x-teams' },
    channelsOfTeams: () => [],
  });
  const url = await web.listen(0, '127.0.0.1');
  const served: number[] = [];
  const rendered: number[] = [];
  const queried: number[] = [];
  let bytes = 0;
  let rows = 0;
  let total = 0;
  try {
    for (let n = 0; n < requests + 5; n += 1) {
      const started = performance.now();
      const response = await fetch(`${url}/rcas`, { headers: { 'x-user': reader.id, 'x-teams': TEAMS.join(',') } });
      const body = await response.text();
      if (n >= 5) served.push(performance.now() - started); // the first requests warm the JIT and the pool
      bytes = body.length;
      rows = (body.match(/<tr>/g) ?? []).length - 1;
      total = Number(/(\d+) RCAs?/.exec(body)?.[1] ?? 0);
    }
    let list = await store.rcas.list(indexFilter({}, TEAMS));
    for (let n = 0; n < requests; n += 1) {
      const started = performance.now();
      list = await store.rcas.list(indexFilter({}, TEAMS));
      queried.push(performance.now() - started);
    }
    for (let n = 0; n < requests; n += 1) {
      const started = performance.now();
      String(indexPage(reader, list, {}, { teams: TEAMS, services: SERVICES, total: rcas }));
      rendered.push(performance.now() - started);
    }
  } finally {
    await web.close();
  }
  return {
    rcas,
    rcasCounted: total,
    rowsShown: rows,
    pageKb: round(bytes / 1024),
    requests,
    servedP50Ms: round(percentile(served, 50)),
    servedP95Ms: round(percentile(served, 95)),
    queryOnlyP95Ms: round(percentile(queried, 95)),
    renderOnlyP95Ms: round(percentile(rendered, 95)),
  };
}

/** Runs both measurements on one embedded database and prints them with the goals. */
export async function runRcaBenchmark(io: Pick<CliIo, 'stdout' | 'stderr'>, argv: string[]): Promise<number> {
  // PostgreSQL when BENCH_DATABASE_URL names a scratch database (it is written to), else embedded PGlite.
  const url = process.env.BENCH_DATABASE_URL;
  const db = url
    ? await openDatabase({ databaseUrl: url, home: '', cwd: process.cwd() })
    : await createPgliteDatabase();
  const where = url ? 'PostgreSQL' : 'embedded PGlite';
  await migrate(db);
  const store = createStore(db);
  try {
    const drafts = await measureDrafts(store, flag(argv, 'drafts', 20));
    const index = await measureIndex(store, flag(argv, 'rcas', 1_000), flag(argv, 'requests', 40));
    const goals = { draftP95Ms: 1_000, indexP95Ms: 100 };
    const ratios = {
      draftVsGoal: round(drafts.p95Ms / goals.draftP95Ms),
      indexVsGoal: round(index.servedP95Ms / goals.indexP95Ms),
    };
    if (argv.includes('--json')) {
      io.stdout.write(`${JSON.stringify({ drafts, index, goals, ratios })}\n`);
      return 0;
    }
    io.stdout.write(
      [
        `RCA benchmark (${where}, triage mode; load average ${loadavg()[0]?.toFixed(1) ?? '?'} on ` +
          `${cpus().length} cores)`,
        `draft from a finished investigation (${drafts.count} drafts): p50 ${drafts.p50Ms} ms, p95 ` +
          `${drafts.p95Ms} ms ` +
          (`(read records p95 ${drafts.loadRecordsP95Ms} ms, build document p95 ${drafts.buildDocumentP95Ms} ` +
            `ms); goal < 1000 ms → ${ratios.draftVsGoal}× the goal`),
        `index page, ${index.rcasCounted} RCAs (first page: ${index.rowsShown} rows, ${index.pageKb} KiB): ` +
          `served p50 ${index.servedP50Ms} ms, p95 ${index.servedP95Ms} ms ` +
          (`(query alone p95 ${index.queryOnlyP95Ms} ms, HTML render alone p95 ${index.renderOnlyP95Ms} ms); ` +
            `goal p95 < 100 ms → ${ratios.indexVsGoal}× the goal`),
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
