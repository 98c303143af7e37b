import { text, type Route } from './http-kit.js';

/** The review side of a fake pull request: what these routes read and write. */
export interface PullReviewState {
  number: number;
  labels: string[];
  reviewers: string[];
  comments: string[];
  reviews: Array<{ event: string; body: string }>;
}

/**
 * The fake GitHub's review side of a pull request: labels and comments (the issues API), requested
 * reviewers and reviews. `pullOf` answers 404 for an unknown repository or number.
 */
export function reviewRoutes(pullOf: (owner: string, repo: string, number: string) => PullReviewState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/issues/:number/labels',
      handle: (p, body) => {
        const pull = pullOf(p['owner'] ?? '', p['repo'] ?? '', p['number'] ?? '');
        const labels = Array.isArray(body['labels']) ? body['labels'].map(String) : [];
        pull.labels.push(...labels.filter((label) => !pull.labels.includes(label)));
        return pull.labels.map((label) => ({ name: label }));
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/issues/:number/comments',
      status: 201,
      handle: (p, body) => {
        const pull = pullOf(p['owner'] ?? '', p['repo'] ?? '', p['number'] ?? '');
        pull.comments.push(text(body, 'body') ?? '');
        return { id: pull.comments.length, body: text(body, 'body') };
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/pulls/:number/requested_reviewers',
      status: 201,
      handle: (p, body) => {
        const pull = pullOf(p['owner'] ?? '', p['repo'] ?? '', p['number'] ?? '');
        const reviewers = Array.isArray(body['reviewers']) ? body['reviewers'].map(String) : [];
        pull.reviewers.push(...reviewers);
        return { number: pull.number };
      },
    },
    {
      method: 'POST',
      pattern: '/repos/:owner/:repo/pulls/:number/reviews',
      handle: (p, body) => {
        const pull = pullOf(p['owner'] ?? '', p['repo'] ?? '', p['number'] ?? '');
        pull.reviews.push({ event: text(body, 'event') ?? 'COMMENT', body: text(body, 'body') ?? '' });
        return { id: pull.reviews.length, state: text(body, 'event') === 'APPROVE' ? 'APPROVED' : 'COMMENTED' };
      },
    },
  ];
}
