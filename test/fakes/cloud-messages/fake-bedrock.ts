/** A fake Amazon Bedrock runtime for Claude: `POST /model/{id}/invoke`, SigV4 checked. See platform-fake.ts. */
import { startPlatformFake, type PlatformFake } from './platform-fake.js';
import { checkSigV4, type FakeAwsCredentials } from './sigv4.js';

export interface FakeBedrockOptions {
  region: string;
  credentials: FakeAwsCredentials;
  /** Model ids it serves (e.g. `anthropic.claude-sonnet-5-5-v1:0`); others get ResourceNotFoundException. */
  models: readonly string[];
}

/** Starts the fake; point `AnthropicBedrock({ baseURL: fake.url, awsRegion, awsAccessKey, awsSecretKey })` at it. */
export function startFakeBedrock(options: FakeBedrockOptions): Promise<PlatformFake> {
  return startPlatformFake(
    {
      modelFromPath(path) {
        const match = /^\/model\/([^/]+)\/invoke$/.exec(path);
        return match?.[1] ? decodeURIComponent(match[1]) : undefined;
      },
      authenticate(request) {
        const problem = checkSigV4(request, options.credentials, { region: options.region, service: 'bedrock' });
        return problem
          ? { status: 403, headers: { 'x-amzn-errortype': 'InvalidSignatureException' }, body: { message: problem } }
          : undefined;
      },
      modelNotFound: (model) => ({
        status: 404,
        headers: {
          'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.bedrock/',
        },
        body: { message: `This model version has reached the end of its life: ${model}` },
      }),
    },
    options.models,
  );
}
