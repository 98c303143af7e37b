import { randomUUID } from 'node:crypto';
import type { ModelClient } from '../agent/ports.js';
import type { GitProvider } from '../git/git-provider.js';
import { BotError, errorMessage } from '../errors.js';
import type { Rca, RcaContent, RcaStatus } from '../store/rcas-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { draftWithModel } from './draft-model.js';
import { draftFromRecords } from './draft-triage.js';
import { lintRca, type RcaFinding } from './lint-rca.js';
import { changedFields, documentDurations, RcaDocumentSchema, type RcaDocument } from './rca-document.js';
import { renderRcaMarkdown } from './rca-markdown.js';
import type { ThreadMessage } from './rca-records.js';
import { loadRcaRecords } from './load-records.js';

/** An RCA row with its parsed document and current review hints. */
export interface RcaView {
  rca: Rca;
  document: RcaDocument;
  findings: RcaFinding[];
}

export interface RcaServiceDeps {
  store: Store;
  /** With a model, drafts are written in model mode (falling back to triage if it fails). */
  model?: ModelClient;
  /** The owning team of a channel (channel config). */
  teamOf?: (channel: string) => string | undefined;
  logger?: Logger;
  newId?: () => string;
  /** Where publishing opens a pull request with the markdown (the fix loop's Git provider); else export only. */
  postmortems?: PostmortemsRepository;
}

/** A postmortems repository on a Git host: published RCAs land there as markdown files. */
export interface PostmortemsRepository {
  provider: GitProvider;
  repository: string;
  baseBranch: string;
  /** Folder of the markdown files (`postmortems`). */
  directory: string;
}

/** The review hint of a draft whose model-mode narrative failed and fell back to triage. */
export const MODEL_FALLBACK_NOTE =
  'The model could not write this draft, so it was drafted from the records in triage mode; ' +
  'review the narrative sections.';

/** Allowed review transitions: draft → in review → published (and back to draft from review). */
const TRANSITIONS: Record<RcaStatus, readonly RcaStatus[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'published'],
  published: [],
};

function content(doc: RcaDocument, header: { id: string; status: string; version: number }): RcaContent {
  const durations = documentDurations(doc);
  return {
    document: doc,
    title: doc.title,
    bodyMarkdown: renderRcaMarkdown(doc, header),
    severity: doc.severity,
    ...(doc.service ? { service: doc.service } : {}),
    ...(doc.detection.startedAt ? { incidentAt: new Date(doc.detection.startedAt) } : {}),
    ...durations,
  };
}

/** The markdown export of an RCA's current version. */
function exportMarkdown(current: RcaView): string {
  return renderRcaMarkdown(current.document, {
    id: current.rca.id,
    status: current.rca.status,
    version: current.rca.version,
    ...(current.rca.team ? { team: current.rca.team } : {}),
  });
}

/** Drafting, editing and publishing RCAs; every write is a new version with who and what. */
export function createRcaService(deps: RcaServiceDeps) {
  const { store } = deps;
  const newId = deps.newId ?? (() => `rca-${randomUUID().slice(0, 8)}`);

  /** One commit with the RCA's markdown on its own branch, as a pull request; recorded once per RCA. */
  async function openPostmortemPullRequest(published: RcaView, editor: string): Promise<void> {
    const target = deps.postmortems;
    if (!target) return;
    const { rca, document } = published;
    const day = (document.detection.startedAt ?? rca.createdAt.toISOString()).slice(0, 10);
    const branch = `sre-bot/rca-${rca.id}`;
    const existing = await target.provider.findOpenPullRequest(target.repository, branch);
    const pull =
      existing ??
      (await target.provider.openPullRequest({
        repository: target.repository,
        base: target.baseBranch,
        branch,
        title: `RCA: ${document.title}`,
        body: `Published in sre-bot by ${editor} (RCA ${rca.id}, version ${rca.version}).`,
        commitMessage: `RCA: ${document.title}`,
        files: [
          { path: `${target.directory.replace(/\/+$/, '')}/${day}-${rca.id}.md`, content: exportMarkdown(published) },
        ],
        labels: ['rca'],
        reviewers: [],
      }));
    await store.pullRequests.create({
      id: `pr-${randomUUID()}`,
      investigationId: rca.investigationId,
      kind: 'rca',
      provider: target.provider.kind,
      repository: target.repository,
      branch,
      number: pull.number,
      url: pull.url,
      title: `RCA: ${document.title}`,
    });
    deps.logger?.info({ event: 'rca-pr-opened', rcaId: rca.id, number: pull.number }, 'RCA pull request opened');
  }

  function view(rca: Rca, people: readonly string[] = []): RcaView {
    const parsed = RcaDocumentSchema.safeParse(rca.document);
    if (!parsed.success) throw new BotError('internal', `RCA ${rca.id} has no valid document`);
    return { rca, document: parsed.data, findings: lintRca(parsed.data, { people }) };
  }

  async function people(rca: Rca): Promise<string[]> {
    const investigation = await store.investigations.get(rca.investigationId);
    return investigation?.userId ? [investigation.userId] : [];
  }

  async function writeDocument(
    mode: 'triage' | 'model',
    investigationId: string,
    doc: RcaDocument,
    author: string,
  ): Promise<Rca> {
    const investigation = await store.investigations.get(investigationId);
    const channel = investigation?.channel;
    const team = channel ? deps.teamOf?.(channel) : undefined;
    const id = newId();
    return store.rcas.create({
      id,
      investigationId,
      author,
      mode,
      ...(team ? { team } : {}),
      ...(channel ? { channel } : {}),
      content: content(doc, { id, status: 'draft', version: 1 }),
    });
  }

  return {
    /**
     * Drafts the RCA of a finished investigation, or returns the one already drafted (pressing
     * "Draft RCA" twice gives one document). `isNew` says which.
     */
    async draft(
      investigationId: string,
      options: { author: string; messages?: readonly ThreadMessage[]; useModel?: boolean },
    ): Promise<RcaView & { isNew: boolean }> {
      const existing = (await store.rcas.listForInvestigation(investigationId)).find((rca) => rca.document);
      if (existing) return { ...view(existing, await people(existing)), isNew: false };
      const records = await loadRcaRecords(store, investigationId, { messages: options.messages ?? [] });
      const triage = draftFromRecords(records);
      let doc = triage;
      if (deps.model && options.useModel !== false) {
        try {
          doc = await draftWithModel(deps.model, records, triage);
        } catch (error) {
          deps.logger?.warn(
            { event: 'rca-model-failed', investigationId, err: errorMessage(error) },
            'RCA drafted in triage mode',
          );
          // The reviewer sees why the narrative reads like triage (a review hint, not a blocker).
          doc = { ...triage, draftNote: MODEL_FALLBACK_NOTE };
        }
      }
      const rca = await writeDocument(doc.mode, investigationId, doc, options.author);
      deps.logger?.info({ event: 'rca-drafted', rcaId: rca.id, investigationId, mode: doc.mode }, 'RCA drafted');
      const asker = records.investigation.asker;
      return { ...view(rca, asker ? [asker] : []), isNew: true };
    },

    async get(id: string): Promise<RcaView | undefined> {
      const rca = await store.rcas.get(id);
      return rca?.document ? view(rca, await people(rca)) : undefined;
    },

    /**
     * Applies an edit (any document fields) as a new version. Refused when the RCA is published
     * or changed since `expectedVersion` was read; bad input is a validation error naming the field.
     */
    async edit(
      id: string,
      patch: Partial<RcaDocument>,
      options: { editor: string; expectedVersion?: number },
    ): Promise<RcaView> {
      const current = await this.get(id);
      if (!current) throw new BotError('not_found', `RCA ${id} does not exist`);
      if (current.rca.status === 'published')
        throw new BotError('invalid_input', 'This RCA is published; published documents are not edited.');
      const parsed = RcaDocumentSchema.safeParse({ ...current.document, ...patch });
      if (!parsed.success) {
        const problem = parsed.error.issues[0];
        throw new BotError(
          'invalid_input',
          `${problem?.path.join('.') ?? 'document'}: ${problem?.message ?? 'invalid'}`,
        );
      }
      // A section a person has now written is no longer waiting for one.
      const touched = new Set(changedFields(current.document, parsed.data));
      const doc = { ...parsed.data, needsHuman: parsed.data.needsHuman.filter((section) => !touched.has(section)) };
      const changes = changedFields(current.document, doc);
      if (changes.length === 0) return current;
      const header = { id, status: current.rca.status, version: current.rca.version + 1 };
      const rca = await store.rcas.update(
        id,
        { content: content(doc, header), editedBy: options.editor, changes },
        options.expectedVersion,
      );
      if (!rca)
        throw new BotError(
          'invalid_input',
          'Someone else changed this RCA since you opened it; reload and edit again.',
        );
      return view(rca, await people(rca));
    },

    /** Moves the RCA along its review states; publishing needs a lint-clean document. */
    async transition(id: string, status: RcaStatus, options: { editor: string }): Promise<RcaView> {
      const current = await this.get(id);
      if (!current) throw new BotError('not_found', `RCA ${id} does not exist`);
      if (!TRANSITIONS[current.rca.status].includes(status))
        throw new BotError(
          'invalid_input',
          `An RCA that is ${current.rca.status.replace('_', ' ')} cannot become ${status.replace('_', ' ')}.`,
        );
      if (status === 'published') {
        const open = current.findings.filter((finding) => finding.level !== 'warning');
        if (open.length > 0)
          throw new BotError(
            'invalid_input',
            `Resolve the review hints before publishing: ${open.map((f) => f.message).join(' ')}`,
          );
      }
      const header = { id, status, version: current.rca.version + 1 };
      const rca = await store.rcas.update(id, {
        status,
        content: content(current.document, header),
        editedBy: options.editor,
        changes: [`status: ${current.rca.status} → ${status}`],
      });
      if (!rca) throw new BotError('internal', `RCA ${id} vanished during a transition`);
      const published = view(rca, await people(rca));
      if (status === 'published' && deps.postmortems) await openPostmortemPullRequest(published, options.editor);
      return published;
    },

    /** The markdown export of the current version. */
    markdown: exportMarkdown,
  };
}

export type RcaService = ReturnType<typeof createRcaService>;
