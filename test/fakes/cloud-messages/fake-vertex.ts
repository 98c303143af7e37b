/**
 * A fake Vertex AI for Claude: `POST /v1/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict`,
 * with the bearer token of a Google auth client checked. See platform-fake.ts.
 */
import { startPlatformFake, type PlatformFake } from './platform-fake.js';

export interface FakeVertexOptions {
  projectId: string;
  region: string;
  /** The only access token accepted. */
  accessToken: string;
  /** Model ids it serves; others get Google's 404 NOT_FOUND. */
  models: readonly string[];
}

/** Starts the fake; point `AnthropicVertex({ baseURL: `${fake.url}/v1`, region, projectId, authClient })` at it. */
export function startFakeVertex(options: FakeVertexOptions): Promise<PlatformFake> {
  const prefix = `/v1/projects/${options.projectId}/locations/${options.region}/publishers/anthropic/models/`;
  return startPlatformFake(
    {
      modelFromPath(path) {
        if (!path.startsWith(prefix) || !path.endsWith(':rawPredict')) return undefined;
        return decodeURIComponent(path.slice(prefix.length, -':rawPredict'.length));
      },
      authenticate({ headers }) {
        return headers.authorization === `Bearer ${options.accessToken}`
          ? undefined
          : {
              status: 401,
              body: {
                error: {
                  code: 401,
                  message: 'Request had invalid authentication credentials.',
                  status: 'UNAUTHENTICATED',
                },
              },
            };
      },
      modelNotFound: (model) => ({
        status: 404,
        body: {
          error: {
            code: 404,
            message: `Publisher Model \`${prefix.slice(4)}${model}\` not found.`,
            status: 'NOT_FOUND',
          },
        },
      }),
    },
    options.models,
  );
}
