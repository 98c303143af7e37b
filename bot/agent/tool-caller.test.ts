import { describe, expect, it } from 'vitest';
import { BotError, isRetryableError } from '../errors.js';
import { investigate } from './investigate.js';
import type { SkillCatalog, ToolCallRecorder, ToolCallResult, ToolDescriptor, ToolGateway } from './ports.js';
import { ToolCaller } from './tool-caller.js';
import { readToolResult } from './tool-results/read-result.js';
import { ToolResultShapeError } from './tool-results/shape-error.js';

/** A gateway port answering from a table: what the MCP gateway sends for each tool. */
function gatewayOf(
  answers: Record<string, (args: Record<string, unknown>) => ToolCallResult | Promise<ToolCallResult>>,
): ToolGateway & { calls: string[] } {
  const instances = (names: string[]) => ({
    type: 'object',
    properties: {
      name: {},
      namespace: {},
      nameContains: {},
      kind: {},
      instance: { enum: names },
      warningsOnly: {},
      type: {},
    },
  });
  const tools: ToolDescriptor[] = Object.keys(answers).map((name) => ({
    name,
    description: name,
    inputSchema: instances(name.includes('application') ? ['argocd-eu', 'argocd-us'] : ['prod-eu', 'prod-us']),
    isReadOnly: true,
  }));
  const calls: string[] = [];
  return {
    calls,
    listTools: () => Promise.resolve(tools),
    async callTool(name, args) {
      calls.push(name);
      const answer = answers[name];
      if (!answer) throw new Error(`no answer for ${name}`);
      return answer(args);
    },
  };
}

function recorder(): ToolCallRecorder & { outcomes: string[] } {
  const outcomes: string[] = [];
  return {
    outcomes,
    record: (call) =>
      Promise.resolve(void outcomes.push(`${call.tool} ${call.outcome}${call.error ? `: ${call.error}` : ''}`)),
  };
}

const catalog: SkillCatalog = {
  names: () => [],
  promptIndex: () => '',
  get: () => undefined,
  readFile: () => Promise.resolve(undefined),
  match: () => [],
  search: () => [],
};
const ok = (structured: unknown): ToolCallResult => ({ text: 'prose', structured, isError: false });
const down = (instance: string) => ({ instance, error: `${instance}: upstream unavailable` });

describe('reading structured results', () => {
  it('reads a fanned-out answer per instance and names the instances that did not answer', () => {
    const result = ok({
      results: [{ instance: 'argocd-eu', applications: [{ name: 'checkout', sync: 'Synced' }], total: 1 }],
      unreachable: [down('argocd-us')],
    });
    const read = readToolResult('list_applications', result);
    expect(read.answers).toEqual([
      { instance: 'argocd-eu', data: { applications: [{ name: 'checkout', sync: 'Synced' }], total: 1 } },
    ]);
    expect(read.unreachable).toEqual(['argocd-us']);
  });

  it('reads a single answer whose own fields include a `results` list as that answer, not as a fan-out', () => {
    // Regression: list_policy_violations answers {groups, results, ...}; it was taken for the gateway's envelope.
    const group = {
      policy: 'require-limits',
      rule: 'limits',
      result: 'fail',
      message: 'limits required',
      resources: ['Deployment shop/cart'],
    };
    const result = ok({
      groups: [group],
      results: [{ policy: 'require-limits', rule: 'limits', result: 'fail', message: 'limits required' }],
      total: 1,
      violations: 1,
      instance: 'prod-eu',
    });
    const read = readToolResult('list_policy_violations', result);
    expect(read.answers).toHaveLength(1);
    expect(read.answers[0]?.instance).toBe('prod-eu');
    expect(read.answers[0]?.data.groups[0]?.resources).toEqual(['Deployment shop/cart']);
  });

  it('rejects content of another shape with a typed error naming the tool and the field', () => {
    const error = (() => {
      try {
        readToolResult(
          'describe_workload',
          ok({ kind: 'Deployment', namespace: 'shop', name: 'checkout', pods: [{ name: 7 }] }),
        );
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ToolResultShapeError);
    expect(error).toMatchObject({
      tool: 'describe_workload',
      path: 'pods.0.name',
      code: 'tool_result_invalid',
      isRetryable: false,
    });
    expect(() => readToolResult('list_events', { text: 'No warning events.', isError: false })).toThrow(
      /list_events returned structured content of an unexpected shape at \(root\)/,
    );
  });

  it('reads an error result as an error, with the server’s code', () => {
    const read = readToolResult('check_service', {
      text: 'x',
      structured: { error: "Service 'shipping' not found", code: 'not_found' },
      isError: true,
    });
    expect(read).toEqual({
      answers: [],
      unreachable: [],
      error: { code: 'not_found', message: "Service 'shipping' not found", candidates: [] },
    });
  });
});

describe('the tool caller', () => {
  it('records a result of the wrong shape as a failed call and throws', async () => {
    const audit = recorder();
    const tools = new ToolCaller(gatewayOf({ list_events: () => ok({ groups: 'none' }) }), audit, { now: () => 0 });
    await tools.load();
    await expect(tools.read('list_events', { namespace: 'shop' })).rejects.toBeInstanceOf(ToolResultShapeError);
    expect(audit.outcomes).toEqual([
      expect.stringMatching(
        /^list_events failed: list_events returned structured content of an unexpected shape at groups/,
      ),
    ]);
  });

  it(
    'keeps the retryability of a failure: thrown, ' + 'reported by the gateway, or every instance unreachable',
    async () => {
      const tools = new ToolCaller(
        gatewayOf({
          describe_workload: () =>
            Promise.reject(new BotError('upstream_unavailable', 'gateway down', { isRetryable: true })),
          get_pod_logs: () => ({
            text: 'bad container',
            isError: true,
            failure: { code: 'backend_error', isRetryable: false },
          }),
          list_events: () => ({
            text: 'none answered',
            structured: { results: [], unreachable: [down('prod-eu'), down('prod-us')] },
            isError: true,
          }),
        }),
        recorder(),
        { now: () => 0 },
      );
      await tools.load();
      expect((await tools.read('describe_workload', { name: 'a' })).result.failure).toEqual({
        code: 'upstream_unavailable',
        isRetryable: true,
      });
      expect((await tools.read('get_pod_logs', { name: 'a' })).result.failure).toEqual({
        code: 'backend_error',
        isRetryable: false,
      });
      const events = await tools.read('list_events', { namespace: 'shop' });
      expect(events.result.failure).toEqual({ code: 'upstream_unavailable', isRetryable: true });
      expect(events.read.unreachable).toEqual(['prod-eu', 'prod-us']);
    },
  );
});

describe('retryable failures through the investigation', () => {
  const apps = (instance: string) => ({
    instance,
    applications: [{ name: 'checkout', sync: 'Synced', health: 'Degraded', destinationNamespace: 'shop' }],
    total: 1,
  });
  const unavailable: ToolCallResult = {
    text: 'argocd-eu: upstream unavailable',
    isError: true,
    failure: { code: 'upstream_unavailable', isRetryable: true },
  };

  it('lists one dead instance of a fan-out as unreachable and still answers', async () => {
    const gateway = gatewayOf({
      list_applications: () => ok({ results: [apps('argocd-eu')], unreachable: [down('argocd-us')] }),
      find_workloads: () => ok({ results: [{ instance: 'prod-eu', workloads: [], total: 0 }], unreachable: [] }),
      get_application: () =>
        ok({
          name: 'checkout',
          sync: 'Synced',
          health: 'Degraded',
          destination: { name: 'prod-eu', namespace: 'shop' },
        }),
      list_events: () =>
        ok({ results: [{ instance: 'prod-eu', groups: [], total: 0 }], unreachable: [down('prod-us')] }),
    });
    const outcome = await investigate(
      { question: 'why is checkout failing?' },
      { gateway, catalog, recorder: recorder(), clock: { now: () => 0 } },
    );
    expect(outcome.kind).toBe('answer');
    if (outcome.kind === 'answer')
      expect(outcome.answer.notes).toContain('Unreachable while investigating: argocd-us, prod-us.');
  });

  it('throws a retryable error when every look-up the answer depends on failed retryably', async () => {
    const gateway = gatewayOf({
      list_applications: () => ok({ results: [apps('argocd-eu')], unreachable: [] }),
      get_application: () => unavailable,
      get_application_tree: () => unavailable,
      get_application_events: () => unavailable,
    });
    const error = await investigate(
      { question: 'why is checkout failing?' },
      { gateway, catalog, recorder: recorder(), clock: { now: () => 0 } },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BotError);
    expect(isRetryableError(error)).toBe(true);
    expect(gateway.calls).not.toContain('list_events');
  });

  it('throws a retryable error when no instance could be asked to resolve the question', async () => {
    const nobody: ToolCallResult = {
      text: 'no instance answered',
      structured: { results: [], unreachable: [down('argocd-eu'), down('argocd-us')] },
      isError: true,
    };
    const gateway = gatewayOf({
      list_applications: () => nobody,
      find_workloads: () => ({ ...nobody, structured: { results: [], unreachable: [down('prod-eu')] } }),
    });
    const error = await investigate(
      { question: 'why is checkout failing?' },
      { gateway, catalog, recorder: recorder(), clock: { now: () => 0 } },
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_unavailable', isRetryable: true });
  });
});
