/**
 * The alerts role as each overlay installs it: the routes file its SRE_BOT_ALERT_ROUTES_FILE
 * names is a key of a mounted ConfigMap whose text the role's own parser accepts, the variables
 * the pod gets (its env plus the templated Secrets it reads) pass the role's config schema, the
 * receiver listens on the port its Service targets, and production syncs its Secret.
 */
import { readFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAlertRoutes } from '../../bot/alerts/alert-routes.js';
import { alertsConfigSchema } from '../../bot/alerts/config.js';
import { checkEnv } from '../../bot/config/parse-env.js';
import { ROOT, overlayNames, renderOverlay, secretTemplates, type RenderedObject } from './rendered-install.js';

interface Container {
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ secretRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string } }>;
}

const renders = new Map<string, RenderedObject[]>();
let templates: RenderedObject[];

function alertsPod(objects: RenderedObject[]): { container: Container; spec: PodSpec } {
  const deployment = objects.find(
    (object) => object.kind === 'Deployment' && object.metadata.name === 'sre-bot-alerts',
  );
  const spec = (deployment?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec;
  const container = spec?.containers[0];
  if (!spec || !container) throw new Error('no sre-bot-alerts Deployment in the render');
  return { container, spec };
}

const envOf = (container: Container, name: string) => container.env?.find((item) => item.name === name)?.value;

beforeAll(async () => {
  for (const name of overlayNames()) renders.set(name, await renderOverlay(name));
  templates = await secretTemplates();
});

describe.each(overlayNames())('%s overlay: the alerts role', (overlay) => {
  it('runs `sre-bot alerts` with a routes file from a mounted ConfigMap that the role parses', () => {
    const objects = renders.get(overlay) ?? [];
    const { container, spec } = alertsPod(objects);
    expect(container.args).toEqual(['alerts']);
    const file = envOf(container, 'SRE_BOT_ALERT_ROUTES_FILE') ?? '';
    const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === dirname(file));
    const configMapName = spec.volumes?.find((volume) => volume.name === mount?.name)?.configMap?.name;
    const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === configMapName);
    const text = (configMap as { data?: Record<string, string> } | undefined)?.data?.[basename(file)];
    expect(text, `${file} is no key of a mounted ConfigMap`).toBeTypeOf('string');
    const routes = parseAlertRoutes(text ?? '', file);
    expect(routes.routes.length + (routes.fallbackChannel ? 1 : 0)).toBeGreaterThan(0);
  });

  it('gets variables (env and templated Secrets) that pass the role config, listening where its Service points', () => {
    const objects = renders.get(overlay) ?? [];
    const { container } = alertsPod(objects);
    const fromSecrets = Object.assign(
      {},
      ...(container.envFrom ?? []).map(
        (source) =>
          (templates.find((secret) => secret.metadata.name === source.secretRef?.name) as { stringData?: object })
            ?.stringData ?? {},
      ),
    ) as Record<string, string>;
    const env = {
      ...fromSecrets,
      ...Object.fromEntries((container.env ?? []).map((item) => [item.name, item.value])),
    };
    const checked = checkEnv(alertsConfigSchema, env);
    expect(checked.isValid ? [] : checked.problems).toEqual([]);
    const receiverPort = container.ports?.find((port) => port.name === 'http')?.containerPort;
    expect(String(receiverPort)).toBe(envOf(container, 'SRE_BOT_ALERTS_PORT'));
    expect(envOf(container, 'SRE_BOT_ALERTS_HOST')).toBe('0.0.0.0');
    const service = objects.find((object) => object.kind === 'Service' && object.metadata.name === 'sre-bot-alerts');
    const ports = (service?.spec as { ports: Array<{ name: string; targetPort: string }> }).ports;
    expect(ports.map((port) => port.targetPort).sort()).toEqual(['http', 'metrics']);
  });
});

describe('docker compose', () => {
  it('runs the alerts role (profile alerts) with the routes file mounted where it reads it', async () => {
    const compose = parse(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<
        string,
        { command?: string[]; profiles?: string[]; environment?: Record<string, string>; volumes?: string[] }
      >;
    };
    const alerts = compose.services['alerts'];
    expect(alerts?.command).toEqual(['alerts']);
    expect(alerts?.profiles).toEqual(['alerts']);
    const routesFile = alerts?.environment?.['SRE_BOT_ALERT_ROUTES_FILE'];
    // `${SRE_BOT_ALERT_ROUTES_PATH:-<default>}:<target>:ro`: the default must be a routes file the role parses.
    const mount = alerts?.volumes
      ?.map((volume) => /^\$\{\w+:-(.+)\}:(\/[^:]+)(?::ro)?$/.exec(volume))
      .find((match) => match?.[2] === routesFile);
    expect(mount?.[1], `no volume mounts ${routesFile}`).toBeDefined();
    const routes = parseAlertRoutes(await readFile(join(ROOT, mount?.[1] ?? ''), 'utf8'), mount?.[1] ?? '');
    expect(routes.routes.length).toBeGreaterThan(0);
    const env = { ...alerts?.environment, SRE_BOT_ALERTMANAGER_TOKEN: 'a-token-of-16-characters' };
    const checked = checkEnv(alertsConfigSchema, env);
    expect(checked.isValid ? [] : checked.problems).toEqual([]);
  });
});

describe('production', () => {
  it('syncs the sre-bot-alerts Secret with both sender credentials', () => {
    const synced = (renders.get('production') ?? []).find(
      (object) => object.kind === 'ExternalSecret' && object.metadata.name === 'sre-bot-alerts',
    );
    const keys = (synced?.spec as { data: Array<{ secretKey: string }> } | undefined)?.data.map(
      (item) => item.secretKey,
    );
    expect(keys).toEqual(['SRE_BOT_ALERTMANAGER_TOKEN', 'SRE_BOT_PAGERDUTY_SECRETS']);
  });
});
