import { describe, expect, it } from 'vitest';
import { getApplicationResult } from '../tool-results/argocd-results.js';
import { getRolloutHistoryResult } from '../tool-results/kubernetes-results.js';
import { lastHealthyImage } from './last-healthy.js';

const repository = 'registry.example.com/shop/checkout';
const revision = (number: number, tag: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  revision: number,
  images: [`${repository}:${tag}`, 'envoyproxy/envoy:v1.31'],
  createdAt,
  isCurrent: false,
  ...extra,
});
const rollout = (revisions: unknown[]) =>
  getRolloutHistoryResult.parse({ kind: 'Deployment', namespace: 'shop', name: 'checkout', revisions });
const application = getApplicationResult.parse({
  name: 'checkout',
  history: [
    { revision: 'c3c3c3c3c3', deployedAt: '2026-11-24T11:25:00Z', message: 'release 1.8.3' },
    { revision: 'b2b2b2b2b2', deployedAt: '2026-11-20T09:00:00Z', message: 'release 1.8.2' },
    { revision: 'a1a1a1a1a1', deployedAt: '2026-11-12T09:00:00Z', message: 'release 1.8.1' },
  ],
});

describe('the tag that last ran healthy', () => {
  it('comes from the revisions and the Argo CD sync that rolled it out, not from whatever pods run', () => {
    const history = rollout([
      revision(4, '1.8.3', '2026-11-24T11:25:02Z', { isCurrent: true, readyReplicas: 0 }),
      revision(3, '1.8.2', '2026-11-20T09:00:03Z', { readyReplicas: 0 }),
      revision(2, '1.8.1', '2026-11-12T09:00:04Z', { readyReplicas: 0 }),
    ]);
    expect(lastHealthyImage(repository, '1.8.3', history, application)).toEqual({
      tag: '1.8.2',
      revision: 'b2b2b2b2b2',
      deployedAt: '2026-11-20T09:00:00Z',
    });
  });

  it('prefers an older revision that still has ready pods, and skips revisions with the failing tag', () => {
    const history = rollout([
      revision(5, '1.8.3', '2026-11-24T11:25:02Z', { isCurrent: true }),
      revision(4, '1.8.3', '2026-11-23T10:00:00Z', { readyReplicas: 0 }),
      revision(3, '1.8.2', '2026-11-20T09:00:03Z', { readyReplicas: 0 }),
      revision(2, '1.8.1', '2026-11-12T09:00:04Z', { readyReplicas: 3 }),
    ]);
    expect(lastHealthyImage(repository, '1.8.3', history, application)).toEqual({
      tag: '1.8.1',
      revision: 'a1a1a1a1a1',
      deployedAt: '2026-11-12T09:00:00Z',
    });
  });

  it('has nothing to say without an older revision of the image, and no sync when no history entry fits', () => {
    expect(
      lastHealthyImage(repository, '1.8.3', rollout([revision(1, '1.8.3', '2026-11-24T11:25:02Z')]), undefined),
    ).toBeUndefined();
    expect(lastHealthyImage(repository, '1.8.3', undefined, application)).toBeUndefined();
    const history = rollout([revision(2, '1.8.2', '2026-10-01T00:00:00Z')]);
    expect(lastHealthyImage(repository, '1.8.3', history, application)).toEqual({ tag: '1.8.2' });
  });
});
