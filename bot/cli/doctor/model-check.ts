import type { ModelRequest } from '../../agent/ports.js';
import { loadAgentConfig, type AgentConfig } from '../../config/agent-config.js';
import { errorMessage } from '../../errors.js';
import { createAnthropicSdkClient } from '../../model/anthropic-model-client.js';
import { fromSdkError } from '../../model/messages-api-target.js';
import { createModelTargets, modelEntries, type ModelChainOptions } from '../../model/model-chain.js';
import type { ModelProvider, ModelTarget } from '../../model/model-target.js';
import { ModelCallError } from '../../model/provider-error.js';
import type { Env } from '../../config/parse-env.js';
import { CheckFailed, check, withTimeout, type DoctorCheck } from './doctor-check.js';

type Failure = 'credentials' | 'model' | 'endpoint';

/** One sentence per provider and kind of failure: what the operator changes. */
const FIXES: Record<ModelProvider, Record<Failure, string>> = {
  anthropic: {
    credentials: 'Check ANTHROPIC_API_KEY (Console → API keys); the API refused it.',
    model: 'Name models the key may use in SRE_BOT_MODELS (Console → Models).',
    endpoint: 'Check that ANTHROPIC_BASE_URL (or api.anthropic.com) is reachable from this pod.',
  },
  bedrock: {
    credentials:
      'Check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_BEARER_TOKEN_BEDROCK or the pod role) ' +
      'and that they allow bedrock:InvokeModel in AWS_REGION.',
    model: 'Request access to this model in the Bedrock console for AWS_REGION, or correct its id in SRE_BOT_MODELS.',
    endpoint: 'Check that the bedrock-runtime endpoint of AWS_REGION (or ANTHROPIC_BEDROCK_BASE_URL) is reachable.',
  },
  vertex: {
    credentials:
      'Check the Google credentials (workload identity or Application Default Credentials) hold Vertex AI User ' +
      'on ANTHROPIC_VERTEX_PROJECT_ID.',
    model:
      'Enable this Claude model in Vertex AI Model Garden for CLOUD_ML_REGION, or correct its id in SRE_BOT_MODELS.',
    endpoint: 'Check that the Vertex AI endpoint of CLOUD_ML_REGION (or ANTHROPIC_VERTEX_BASE_URL) is reachable.',
  },
  openai: {
    credentials: 'Check OPENAI_API_KEY: the server at OPENAI_BASE_URL refused it.',
    model:
      'Serve this model at OPENAI_BASE_URL (vLLM --served-model-name, ollama pull, a LiteLLM model_list entry) ' +
      'or correct SRE_BOT_MODELS.',
    endpoint: 'Start the server at OPENAI_BASE_URL, or point OPENAI_BASE_URL at one that answers /chat/completions.',
  },
};

function failureOf(error: ModelCallError): Failure {
  if (error.status === 401 || error.status === 403) return 'credentials';
  if (error.kind === 'unavailable') return 'model';
  return 'endpoint';
}

/** The smallest real call: one short message, one output token. */
const PROBE: ModelRequest = {
  system: 'Health check.',
  tools: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Reply with OK.' }] }],
  maxTokens: 1,
};

/**
 * Reaches one model the way investigations do. Anthropic's API gets a free count_tokens call;
 * Bedrock, Vertex and OpenAI-compatible servers get a one-token message through the same target
 * (signing, auth, model id) the chain uses, since they have no free call that checks all three.
 */
async function probe(target: ModelTarget, agent: AgentConfig, timeoutMs: number): Promise<string> {
  const { provider, model } = target;
  try {
    if (provider === 'anthropic') {
      const client = createAnthropicSdkClient({
        apiKey: agent.ANTHROPIC_API_KEY ?? '',
        baseURL: agent.ANTHROPIC_BASE_URL,
        timeoutMs,
      });
      const counted = await client.messages
        .countTokens({ model, messages: [{ role: 'user', content: 'ping' }] })
        .catch((error: unknown) => {
          throw fromSdkError(error, provider, model);
        });
      return `answers (count_tokens: ${counted.input_tokens})`;
    }
    const response = await withTimeout(
      `${provider} model ${model}`,
      timeoutMs,
      target.send(PROBE),
      FIXES[provider].endpoint,
    );
    return `answers (${response.usage.inputTokens} tokens in, ${response.usage.outputTokens} out)`;
  } catch (error) {
    if (error instanceof ModelCallError) throw new CheckFailed(errorMessage(error), FIXES[provider][failureOf(error)]);
    throw error;
  }
}

/**
 * One line per configured model (primary first, then fallbacks) on its provider: Anthropic's
 * API, Bedrock, Vertex or an OpenAI-compatible server. No model configured is a skip (answers
 * come from triage); missing provider variables are one red line naming them.
 */
export async function modelChecks(
  env: Env,
  timeoutMs: number,
  options: ModelChainOptions = {},
): Promise<DoctorCheck[]> {
  let agent: AgentConfig;
  try {
    agent = loadAgentConfig(env);
  } catch {
    return [
      { name: 'model', status: 'skip', detail: 'the agent settings do not parse', fix: 'Fix the config line first.' },
    ];
  }
  const entries = modelEntries(agent);
  const isAnthropicOnly = entries.length > 0 && entries.every((entry) => entry.provider === 'anthropic');
  if (isAnthropicOnly && !agent.ANTHROPIC_API_KEY)
    return [
      {
        name: 'model',
        status: 'skip',
        detail: 'ANTHROPIC_API_KEY is not set: answers come from skill triage',
        fix: 'Set ANTHROPIC_API_KEY, or SRE_BOT_MODEL_PROVIDER with its variables, to let a model reason.',
      },
    ];
  let targets: ModelTarget[];
  try {
    targets = createModelTargets(agent, { ...options, timeoutMs });
  } catch (error) {
    return [
      {
        name: 'model',
        status: 'fail',
        detail: errorMessage(error),
        fix: 'Set the provider variables named above (README, "Configuration").',
      },
    ];
  }
  return Promise.all(
    targets.map((target) =>
      check(`model ${target.provider}:${target.model}`, FIXES[target.provider].endpoint, () =>
        probe(target, agent, timeoutMs),
      ),
    ),
  );
}
