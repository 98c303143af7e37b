import { startSandbox } from '../../evaluators/sandbox/start-sandbox.js';

/**
 * Child process of the gateway fan-out benchmark: the simulated estate (N fake Argo CD instances
 * with an added API latency, some possibly down) in its own process, standing in for the remote
 * Argo CD servers of a real estate. Settings from BENCH_INSTANCES, BENCH_LATENCY_MS and BENCH_DOWN
 * (comma-separated instance names); prints `{"argocd": [{name, url, token}]}` on stdout and runs
 * until SIGTERM.
 */
const instances = Number(process.env.BENCH_INSTANCES ?? 40);
const down = (process.env.BENCH_DOWN ?? '').split(',').filter(Boolean);
const sandbox = await startSandbox({
  argocdInstances: instances,
  clusters: 1,
  apps: instances * 2,
  latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 20),
  down,
});
process.stdout.write(
  `${JSON.stringify({ argocd: sandbox.argocd.map(({ name, url, token }) => ({ name, url, token })) })}\n`,
);
process.on('SIGTERM', () => {
  void sandbox.close().then(() => process.exit(0));
});
