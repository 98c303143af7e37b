import { readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { gatewayConfigSchema, type GatewayConfig, type ResolvedUpstream } from './config.js';
import { errorMessage, GatewayError } from './errors.js';

/** Where config secrets are read from; injected so tests pass literal environments. */
export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative `bearerTokenFile` paths are resolved against (the config file's). */
  baseDir: string;
  readFile?: (path: string) => string;
}

/** `upstreams[2].auth.bearerTokenEnv` from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out || '(root)';
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `${formatPath(issue.path)}: unknown key(s) ${issue.keys.map((key) => `'${key}'`).join(', ')}`;
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

function resolveSecrets(
  config: z.output<typeof gatewayConfigSchema>,
  sources: ConfigSources,
  problems: string[],
): ResolvedUpstream[] {
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  return config.upstreams.map((upstream, index): ResolvedUpstream => {
    const auth = upstream.auth;
    if (!auth) return { ...upstream };
    if (auth.bearerTokenEnv !== undefined) {
      const token = sources.env[auth.bearerTokenEnv];
      if (!token) {
        problems.push(
          `upstreams[${index}].auth.bearerTokenEnv: environment variable ${auth.bearerTokenEnv} is not set ` +
            `(token of upstream '${upstream.instance}')`,
        );
        return { ...upstream };
      }
      return { ...upstream, token };
    }
    const file = auth.bearerTokenFile ?? '';
    const path = isAbsolute(file) ? file : resolve(sources.baseDir, file);
    try {
      const token = readFile(path).trim();
      if (!token)
        problems.push(
          `upstreams[${index}].auth.bearerTokenFile: ${path} is empty (token of upstream '${upstream.instance}')`,
        );
      return { ...upstream, token };
    } catch (error) {
      // The file system error names the path and the reason, never the content.
      problems.push(`upstreams[${index}].auth.bearerTokenFile: cannot read ${path}: ${errorMessage(error)}`);
      return { ...upstream };
    }
  });
}

/**
 * Validates a parsed configuration object and resolves upstream credentials. Every problem is
 * reported at once, each prefixed with the path of the bad field, in one `config_invalid` error.
 */
export function parseGatewayConfig(raw: unknown, sources: ConfigSources): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GatewayError('config_invalid', `invalid gateway config:\n  ${describeIssues(parsed.error).join('\n  ')}`);
  }
  const problems: string[] = [];
  const upstreams = resolveSecrets(parsed.data, sources, problems);
  if (problems.length > 0)
    throw new GatewayError('config_invalid', `invalid gateway config:\n  ${problems.join('\n  ')}`);
  return Object.freeze({ ...parsed.data, upstreams });
}

/** Parses gateway YAML text (see deploy/gateway.yaml) into a validated configuration. */
export function parseGatewayConfigYaml(text: string, sources: ConfigSources): GatewayConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    throw new GatewayError(
      'config_invalid',
      `gateway config is not valid YAML${where}: ${errorMessage(error).split('\n')[0] ?? ''}`,
      { cause: error },
    );
  }
  return parseGatewayConfig(raw, sources);
}

/** Reads and validates a gateway YAML file; relative token file paths resolve against its folder. */
export function loadGatewayConfig(path: string, env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayError('config_invalid', `cannot read gateway config ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return parseGatewayConfigYaml(text, { env, baseDir: dirname(resolve(path)) });
}
