/**
 * `sre-bot doctor` checks each configured model on its own provider, through the same SDK
 * clients investigations use, against fakes of each API on loopback: Amazon Bedrock (SigV4),
 * Google Vertex (bearer token) and an OpenAI-compatible server. Each reachable model is a green
 * line; a refused credential or a model the provider does not serve is a red line whose fix
 * names that provider's setting.
 */
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor, type DoctorCheck } from '../../bot/cli/commands/doctor.js';
import { anthropicSteps } from '../fakes/anthropic/index.js';
import { startFakeBedrock } from '../fakes/cloud-messages/fake-bedrock.js';
import { startFakeVertex } from '../fakes/cloud-messages/fake-vertex.js';
import type { PlatformFake } from '../fakes/cloud-messages/platform-fake.js';
import { openAiSteps, startFakeOpenAi, type FakeOpenAi } from '../fakes/openai/fake-openai.js';

const AWS = { accessKeyId: 'AKIAFAKEDOCTOR000001', secretAccessKey: 'fake-secret-for-the-doctor' };
const VERTEX = { projectId: 'sre-bot-doctor', region: 'europe-west4', accessToken: 'ya29.fake-doctor-token' };
const BEDROCK_MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const VERTEX_MODEL = 'claude-sonnet-4-5@20250929';

let bedrock: PlatformFake;
let vertex: PlatformFake;
let openai: FakeOpenAi;
let vertexAuth: OAuth2Client;

/** Only the model lines of a doctor run with `env` (the other dependencies are not configured here). */
async function modelLines(env: Record<string, string>): Promise<DoctorCheck[]> {
  const checks = await runDoctor(env, { timeoutMs: 10_000, model: { vertexAuthClient: vertexAuth } });
  return checks.filter((item) => item.name.startsWith('model'));
}

beforeAll(async () => {
  bedrock = await startFakeBedrock({ region: 'eu-central-1', credentials: AWS, models: [BEDROCK_MODEL] });
  vertex = await startFakeVertex({ ...VERTEX, models: [VERTEX_MODEL] });
  openai = await startFakeOpenAi({ models: ['qwen3-coder'], apiKey: 'litellm-doctor-key' });
  bedrock.anthropic.setScript([anthropicSteps.text('OK', { times: Infinity })]);
  vertex.anthropic.setScript([anthropicSteps.text('OK', { times: Infinity })]);
  vertexAuth = new OAuth2Client();
  vertexAuth.setCredentials({ access_token: VERTEX.accessToken, expiry_date: Date.now() + 3_600_000 });
});

afterAll(async () => {
  await Promise.all([bedrock?.close(), vertex?.close(), openai?.close()]);
});

const bedrockEnv = (secret = AWS.secretAccessKey, models = BEDROCK_MODEL) => ({
  SRE_BOT_MODEL_PROVIDER: 'bedrock',
  SRE_BOT_MODELS: models,
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: AWS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: secret,
  ANTHROPIC_BEDROCK_BASE_URL: bedrock.url,
});

describe('sre-bot doctor: the model line of each provider', () => {
  it('Bedrock: a signed one-token call to the configured model is green', async () => {
    const before = bedrock.requests.length;
    expect(await modelLines(bedrockEnv())).toEqual([
      { name: `model bedrock:${BEDROCK_MODEL}`, status: 'ok', detail: expect.stringMatching(/^answers/) },
    ]);
    const seen = bedrock.requests.slice(before);
    expect(seen.map((entry) => [entry.path, entry.isAuthenticated, entry.status])).toEqual([
      [`/model/${BEDROCK_MODEL}/invoke`, true, 200],
    ]);
    expect((seen[0]?.body as { max_tokens?: number }).max_tokens).toBe(1);
  });

  it(
    'Bedrock: a wrong secret is red with a fix about the ' + 'AWS credentials; an unknown model names model access',
    async () => {
      const [refused] = await modelLines(bedrockEnv('wrong-secret'));
      expect(refused).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Check the AWS credentials/) });
      const retired = 'anthropic.claude-3-sonnet-20240229-v1:0';
      const lines = await modelLines(bedrockEnv(AWS.secretAccessKey, `${BEDROCK_MODEL},${retired}`));
      expect(lines.map((line) => [line.name, line.status])).toEqual([
        [`model bedrock:${BEDROCK_MODEL}`, 'ok'],
        [`model bedrock:${retired}`, 'fail'],
      ]);
      expect(lines[1]?.fix).toMatch(/^Request access to this model in the Bedrock console/);
    },
  );

  it('Vertex: rawPredict with the Google token is green; a model not in Model Garden is red', async () => {
    const env = {
      SRE_BOT_MODEL_PROVIDER: 'vertex',
      ANTHROPIC_VERTEX_PROJECT_ID: VERTEX.projectId,
      CLOUD_ML_REGION: VERTEX.region,
      ANTHROPIC_VERTEX_BASE_URL: `${vertex.url}/v1`,
    };
    const lines = await modelLines({ ...env, SRE_BOT_MODELS: `${VERTEX_MODEL},claude-opus-9@20990101` });
    expect(lines.map((line) => [line.name, line.status])).toEqual([
      [`model vertex:${VERTEX_MODEL}`, 'ok'],
      ['model vertex:claude-opus-9@20990101', 'fail'],
    ]);
    expect(lines[1]?.fix).toMatch(/Model Garden for CLOUD_ML_REGION/);
  });

  it(
    'OpenAI-compatible: green with the key, red naming ' + 'OPENAI_API_KEY without it, red when the server is down',
    async () => {
      openai.setScript([openAiSteps.text('OK'), openAiSteps.text('OK')]);
      const env = {
        SRE_BOT_MODEL_PROVIDER: 'openai',
        SRE_BOT_MODELS: 'qwen3-coder',
        OPENAI_BASE_URL: openai.url,
        OPENAI_API_KEY: 'litellm-doctor-key',
      };
      expect(await modelLines(env)).toMatchObject([{ name: 'model openai:qwen3-coder', status: 'ok' }]);
      const [refused] = await modelLines({ ...env, OPENAI_API_KEY: 'wrong-key' });
      expect(refused).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Check OPENAI_API_KEY/) });
      const [down] = await modelLines({ ...env, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
      expect(down).toMatchObject({
        status: 'fail',
        fix: expect.stringMatching(/^Start the server at OPENAI_BASE_URL/),
      });
    },
  );

  it('names the missing provider variables in one red line', async () => {
    expect(await modelLines({ SRE_BOT_MODEL_PROVIDER: 'vertex', SRE_BOT_MODELS: VERTEX_MODEL })).toEqual([
      expect.objectContaining({
        name: 'model',
        status: 'fail',
        detail: expect.stringMatching(/ANTHROPIC_VERTEX_PROJECT_ID is required.*CLOUD_ML_REGION is required/),
      }),
    ]);
  });
});
