import { basename } from 'node:path';
import { parseFlags, parseIntegerFlag, writeLine, type Command } from '../command.js';
import { listScenarioFiles, loadScenarioFile } from '../../../evaluators/sandbox/scenario/load-scenario.js';
import { startSandbox } from '../../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../../evaluators/sandbox/with-gateway.js';
import { loadScenarioFlag, scenariosDirectory } from '../scenario-flags.js';

const listCommand: Command = {
  name: 'list',
  summary: 'List the bundled sandbox scenarios, one line each.',
  usage: 'sandbox list',
  run: async (argv, io) => {
    parseFlags(argv, {}, listCommand.usage);
    for (const file of await listScenarioFiles(scenariosDirectory())) {
      try {
        const scenario = await loadScenarioFile(file);
        writeLine(io.stdout, `${scenario.name} — ${scenario.summary}`);
      } catch (error) {
        writeLine(
          io.stdout,
          `${basename(file).replace(/\.ya?ml$/, '')} — (invalid: ` +
            `${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)})`,
        );
      }
    }
    return 0;
  },
};

const UP_USAGE =
  'sandbox up [--scenario NAME | --scenario-file PATH] [--clusters N] [--argocd-instances N] [--apps N] [--pods ' +
  'N] [--latency-ms N] [--down INSTANCE]... [--with-gateway] [--json]';

const upCommand: Command = {
  name: 'up',
  summary: 'Start a sandbox estate (fake Kubernetes, Kyverno, Argo CD, git) on loopback until interrupted.',
  usage: UP_USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      {
        scenario: { type: 'string' },
        'scenario-file': { type: 'string' },
        clusters: { type: 'string' },
        'argocd-instances': { type: 'string' },
        apps: { type: 'string' },
        pods: { type: 'string' },
        'latency-ms': { type: 'string' },
        down: { type: 'string', multiple: true },
        'with-gateway': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      UP_USAGE,
    );
    const scale = {
      clusters: parseIntegerFlag(values.clusters, 'clusters', UP_USAGE),
      argocdInstances: parseIntegerFlag(values['argocd-instances'], 'argocd-instances', UP_USAGE),
      apps: parseIntegerFlag(values.apps, 'apps', UP_USAGE),
      pods: parseIntegerFlag(values.pods, 'pods', UP_USAGE),
      latencyMs: parseIntegerFlag(values['latency-ms'], 'latency-ms', UP_USAGE),
    };
    const scenario = await loadScenarioFlag(values, io, UP_USAGE);
    const started = Date.now();
    if (!values.json) writeLine(io.stderr, `starting sandbox${scenario ? ` with scenario ${scenario.name}` : ''}...`);
    const sandbox = await startSandbox({ ...(scenario ? { scenario } : {}), ...scale, down: values.down ?? [] });
    let gateway: SandboxGateway | undefined;
    try {
      // One MCP server per upstream and the gateway in front: the whole MCP side in one command.
      if (values['with-gateway']) gateway = await startGatewayOverSandbox(sandbox);
      const summary = {
        kubeconfig: sandbox.kubeconfigPath,
        clusters: sandbox.clusters.map((cluster) => ({ name: cluster.name, url: cluster.url })),
        argocd: sandbox.argocd.map((instance) => ({ name: instance.name, url: instance.url, token: instance.token })),
        git: sandbox.gitPath,
        scenario: sandbox.scenario ?? null,
        ...(gateway ? { gateway: gateway.gateway } : {}),
      };
      if (values.json) {
        writeLine(io.stdout, JSON.stringify(summary));
      } else {
        writeLine(io.stderr, `sandbox ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        writeLine(io.stderr, `  kubeconfig: ${sandbox.kubeconfigPath}   (export KUBECONFIG=${sandbox.kubeconfigPath})`);
        for (const cluster of sandbox.clusters)
          writeLine(io.stderr, `  cluster  ${cluster.name.padEnd(16)} ${cluster.url}`);
        for (const instance of sandbox.argocd)
          writeLine(io.stderr, `  argocd   ${instance.name.padEnd(16)} ${instance.url}  token ${instance.token}`);
        writeLine(io.stderr, `  git: ${sandbox.gitPath}`);
        if (gateway) writeLine(io.stderr, `  gateway: ${gateway.gateway.url}  token ${gateway.gateway.token}`);
        if (sandbox.scenario) writeLine(io.stderr, `  question: ${sandbox.scenario.question}`);
        writeLine(io.stderr, 'press Ctrl-C to stop');
      }
      await io.stopSignal;
    } finally {
      await gateway?.close();
      await sandbox.close();
      if (!values.json) writeLine(io.stderr, 'sandbox stopped');
    }
    return 0;
  },
};

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the simulated estate (scenarios, fake Kubernetes/Kyverno/Argo CD) for demos, evals and benchmarks.',
  usage: 'sandbox list|up',
  subcommands: [listCommand, upCommand],
};
