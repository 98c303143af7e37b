import type { Database } from './database.js';
import { createApprovalsRepository } from './approvals-repository.js';
import { createConversationsRepository } from './conversations-repository.js';
import { createCorrectionsRepository } from './corrections-repository.js';
import { createFeedbackRepository } from './feedback-repository.js';
import { createIntakeRepository } from './intake-repository.js';
import { createInvestigationsRepository } from './investigations-repository.js';
import { createPullRequestsRepository } from './pull-requests-repository.js';
import { createRcasRepository } from './rcas-repository.js';
import { createSnapshotsRepository } from './snapshots-repository.js';
import { createToolCallsRepository } from './tool-calls-repository.js';

/** Every repository over one database; the same code on PostgreSQL and PGlite. */
export function createStore(db: Database, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return {
    db,
    investigations: createInvestigationsRepository(db, now),
    intake: createIntakeRepository(db),
    toolCalls: createToolCallsRepository(db, now),
    feedback: createFeedbackRepository(db, now),
    corrections: createCorrectionsRepository(db, now),
    approvals: createApprovalsRepository(db, now),
    pullRequests: createPullRequestsRepository(db, now),
    rcas: createRcasRepository(db, now),
    snapshots: createSnapshotsRepository(db, now),
    conversations: createConversationsRepository(db, now),
    close: () => db.close(),
  };
}

export type Store = ReturnType<typeof createStore>;
