import { BotError } from '../errors.js';
import type { Database, SqlClient } from './database.js';
import { toDate, toJson, toNumber, toOptionalDate, toOptionalString } from './rows.js';

export type RcaStatus = 'draft' | 'in_review' | 'published';

export interface Rca {
  id: string;
  investigationId: string;
  title: string;
  bodyMarkdown: string;
  status: RcaStatus;
  author: string;
  updatedAt: Date;
  createdAt: Date;
  /** The structured document (bot/rca parses it); absent on rows saved through `save`. */
  document?: unknown;
  version: number;
  mode: 'triage' | 'model';
  severity: string;
  team?: string;
  service?: string;
  channel?: string;
  incidentAt?: Date;
  minutesToDetect?: number;
  minutesToRecover?: number;
  publishedAt?: Date;
  slackTs?: string;
}

/** What a writer supplies: the document plus the columns the index filters and charts read. */
export interface RcaContent {
  document: unknown;
  title: string;
  bodyMarkdown: string;
  severity: string;
  service?: string;
  incidentAt?: Date;
  minutesToDetect?: number;
  minutesToRecover?: number;
}

export interface RcaVersion {
  version: number;
  editedBy: string;
  editedAt: Date;
  status: RcaStatus;
  changes: string[];
  document: unknown;
}

export interface RcaFilter {
  /** Only these teams; undefined means every team (an admin or the CLI). */
  teams?: readonly string[];
  team?: string;
  service?: string;
  severity?: string;
  status?: RcaStatus;
  from?: Date;
  to?: Date;
  /** Words matched against title and body. */
  search?: string;
  limit?: number;
  offset?: number;
}

export type RcaAccessAction = 'read' | 'edit' | 'publish' | 'export' | 'refused';

const SUMMARY_COLUMNS = `id, investigation_id, title, status, author, updated_at, created_at, version, mode, severity,
  team, service, channel, incident_at, minutes_to_detect, minutes_to_recover, published_at, slack_ts`;

function fromRow(row: Record<string, unknown>): Rca {
  const optionalNumber = (value: unknown) => (value === null || value === undefined ? undefined : toNumber(value));
  const fields: Rca = {
    id: String(row.id),
    investigationId: String(row.investigation_id),
    title: String(row.title),
    bodyMarkdown: String(row.body_markdown),
    status: row.status as RcaStatus,
    author: String(row.author),
    updatedAt: toDate(row.updated_at),
    createdAt: toDate(row.created_at),
    version: toNumber(row.version ?? 1),
    mode: (row.mode as Rca['mode'] | undefined) ?? 'triage',
    severity: String(row.severity ?? 'unknown'),
  };
  const optional = {
    document: toJson(row.document),
    team: toOptionalString(row.team),
    service: toOptionalString(row.service),
    channel: toOptionalString(row.channel),
    incidentAt: toOptionalDate(row.incident_at),
    minutesToDetect: optionalNumber(row.minutes_to_detect),
    minutesToRecover: optionalNumber(row.minutes_to_recover),
    publishedAt: toOptionalDate(row.published_at),
    slackTs: toOptionalString(row.slack_ts),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(fields, { [key]: value });
  return fields;
}

function filterSql(filter: RcaFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(params.length));
  };
  if (filter.teams) add((n) => `team = ANY($${n}::text[])`, filter.teams);
  if (filter.team) add((n) => `team = $${n}`, filter.team);
  if (filter.service) add((n) => `service = $${n}`, filter.service);
  if (filter.severity) add((n) => `severity = $${n}`, filter.severity);
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.from) add((n) => `COALESCE(incident_at, created_at) >= $${n}`, filter.from);
  if (filter.to) add((n) => `COALESCE(incident_at, created_at) < $${n}`, filter.to);
  for (const word of (filter.search ?? '').split(/\s+/).filter(Boolean).slice(0, 5)) {
    add((n) => `(title ILIKE $${n} OR body_markdown ILIKE $${n})`, `%${word.replace(/[%_\\]/g, '\\$&')}%`);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function contentParams(content: RcaContent): unknown[] {
  return [
    content.title,
    content.bodyMarkdown,
    JSON.stringify(content.document),
    content.severity,
    content.service ?? null,
    content.incidentAt ?? null,
    content.minutesToDetect ?? null,
    content.minutesToRecover ?? null,
  ];
}

/**
 * RCA documents drafted from investigations, their versions (every edit: who, when, which
 * fields) and the access log of the page. Never raw transcripts: the document is the drafter's.
 */
export function createRcasRepository(db: Database, now: () => Date) {
  async function insertVersion(tx: SqlClient, rca: Rca, editedBy: string, changes: readonly string[]): Promise<void> {
    await tx.query(
      `INSERT INTO rca_versions (rca_id, version, edited_by, edited_at, status, changes, document)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [rca.id, rca.version, editedBy, now(), rca.status, JSON.stringify(changes), JSON.stringify(rca.document ?? {})],
    );
  }

  return {
    /** Inserts or replaces a bare markdown RCA (kept for callers without a structured document). */
    async save(
      input: Pick<Rca, 'id' | 'investigationId' | 'title' | 'bodyMarkdown' | 'author'> & { status?: RcaStatus },
    ): Promise<Rca> {
      const { rows } = await db.query(
        `INSERT INTO rcas (id, investigation_id, title, body_markdown, status, author, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body_markdown = EXCLUDED.body_markdown,
           status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
         RETURNING *`,
        [
          input.id,
          input.investigationId,
          input.title,
          input.bodyMarkdown,
          input.status ?? 'draft',
          input.author,
          now(),
        ],
      );
      return fromRow(rows[0] ?? {});
    },

    /** Creates a draft with its first version. */
    async create(input: {
      id: string;
      investigationId: string;
      author: string;
      mode: Rca['mode'];
      team?: string;
      channel?: string;
      content: RcaContent;
    }): Promise<Rca> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO rcas (id, investigation_id, author, mode, team, channel, created_at, updated_at,
             title, body_markdown, document, severity, service, incident_at, minutes_to_detect, minutes_to_recover)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15) RETURNING *`,
          [
            input.id,
            input.investigationId,
            input.author,
            input.mode,
            input.team ?? null,
            input.channel ?? null,
            now(),
            ...contentParams(input.content),
          ],
        );
        const rca = fromRow(rows[0] ?? {});
        await insertVersion(tx, rca, input.author, ['created']);
        return rca;
      });
    },

    async get(id: string): Promise<Rca | undefined> {
      const { rows } = await db.query(`SELECT * FROM rcas WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /**
     * Writes a new version when `expectedVersion` is still current (an edit made on a stale copy
     * is refused rather than silently overwriting someone else's). Returns undefined on conflict.
     */
    async update(
      id: string,
      edit: { content?: RcaContent; status?: RcaStatus; editedBy: string; changes: readonly string[] },
      expectedVersion?: number,
    ): Promise<Rca | undefined> {
      return db.transaction(async (tx) => {
        const { rows: current } = await tx.query(`SELECT version FROM rcas WHERE id = $1 FOR UPDATE`, [id]);
        const row = current[0];
        if (!row) throw new BotError('not_found', `RCA ${id} does not exist`);
        if (expectedVersion !== undefined && toNumber(row.version) !== expectedVersion) return undefined;
        const params: unknown[] = [id, now()];
        const sets = ['version = version + 1', 'updated_at = $2'];
        if (edit.status) {
          params.push(edit.status);
          sets.push(`status = $${params.length}`);
          if (edit.status === 'published') sets.push('published_at = $2');
        }
        if (edit.content) {
          const start = params.length;
          params.push(...contentParams(edit.content));
          const columns = ['title', 'body_markdown', 'document', 'severity', 'service', 'incident_at'];
          columns.push('minutes_to_detect', 'minutes_to_recover');
          columns.forEach((column, index) =>
            sets.push(`${column} = $${start + index + 1}${column === 'document' ? '::jsonb' : ''}`),
          );
        }
        const { rows } = await tx.query(`UPDATE rcas SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params);
        const rca = fromRow(rows[0] ?? {});
        await insertVersion(tx, rca, edit.editedBy, edit.changes);
        return rca;
      });
    },

    async setSlackTs(id: string, ts: string): Promise<void> {
      await db.query(`UPDATE rcas SET slack_ts = $2 WHERE id = $1`, [id, ts]);
    },

    async listForInvestigation(investigationId: string): Promise<Rca[]> {
      const { rows } = await db.query(`SELECT * FROM rcas WHERE investigation_id = $1 ORDER BY updated_at DESC`, [
        investigationId,
      ]);
      return rows.map(fromRow);
    },

    /** Newest incident first; index columns only (no document or body: the index never shows them). */
    async list(filter: RcaFilter = {}): Promise<Rca[]> {
      const { where, params } = filterSql(filter);
      const limit = Math.min(Math.max(filter.limit ?? 200, 1), 5_000);
      const offset = Math.max(0, Math.floor(filter.offset ?? 0));
      const { rows } = await db.query(
        `SELECT ${SUMMARY_COLUMNS}, '' AS body_markdown FROM rcas ${where}
         ORDER BY COALESCE(incident_at, created_at) DESC, id LIMIT ${limit} OFFSET ${offset}`,
        params,
      );
      return rows.map(fromRow);
    },

    /** How many RCAs match (the index shows one page of them). */
    async count(filter: RcaFilter = {}): Promise<number> {
      const { where, params } = filterSql(filter);
      const { rows } = await db.query(`SELECT count(*) AS n FROM rcas ${where}`, params);
      return toNumber(rows[0]?.n);
    },

    /** The services that have RCAs in these teams (the index's filter options). */
    async services(teams?: readonly string[]): Promise<string[]> {
      const { rows } = teams
        ? await db.query(`SELECT DISTINCT service FROM rcas WHERE service IS NOT NULL AND team = ANY($1::text[])`, [
            teams,
          ])
        : await db.query(`SELECT DISTINCT service FROM rcas WHERE service IS NOT NULL`);
      return rows.map((row) => String(row.service)).sort();
    },

    async listVersions(id: string): Promise<RcaVersion[]> {
      const { rows } = await db.query(
        `SELECT version, edited_by, edited_at, status, changes, document FROM rca_versions
         WHERE rca_id = $1 ORDER BY version DESC`,
        [id],
      );
      return rows.map((row) => ({
        version: toNumber(row.version),
        editedBy: String(row.edited_by),
        editedAt: toDate(row.edited_at),
        status: row.status as RcaStatus,
        changes: toJson<string[]>(row.changes) ?? [],
        document: toJson(row.document),
      }));
    },

    /**
     * Fix PRs merged and answers marked helpful per week (Monday, UTC) since a date, for the
     * investigations of the given channels (every channel when undefined).
     */
    async weeklyFollowUps(
      channels: readonly string[] | undefined,
      since: Date,
    ): Promise<Array<{ week: string; fixPrsMerged: number; helpful: number }>> {
      const scope = channels ? 'AND i.channel = ANY($2::text[])' : '';
      const params = channels ? [since, channels] : [since];
      const { rows } = await db.query(
        `SELECT to_char(date_trunc('week', at), 'YYYY-MM-DD') AS week, sum(prs) AS prs, sum(helpful) AS helpful FROM (
           SELECT p.updated_at AS at, 1 AS prs, 0 AS helpful
             FROM pull_requests p JOIN investigations i ON i.id = p.investigation_id
             WHERE p.kind = 'fix' AND p.status = 'merged' AND p.updated_at >= $1 ${scope}
           UNION ALL
           SELECT f.created_at, 0, 1 FROM feedback f JOIN investigations i ON i.id = f.investigation_id
             WHERE f.rating = 'helpful' AND f.created_at >= $1 ${scope}
         ) activity GROUP BY 1 ORDER BY 1`,
        params,
      );
      return rows.map((row) => ({
        week: String(row.week),
        fixPrsMerged: toNumber(row.prs),
        helpful: toNumber(row.helpful),
      }));
    },

    /** Audits a page read, edit, publish, export or refusal. */
    async logAccess(rcaId: string | undefined, reader: string, action: RcaAccessAction): Promise<void> {
      await db.query(`INSERT INTO rca_access_log (rca_id, reader, action, at) VALUES ($1, $2, $3, $4)`, [
        rcaId ?? null,
        reader,
        action,
        now(),
      ]);
    },

    async accessLog(rcaId: string): Promise<Array<{ reader: string; action: RcaAccessAction; at: Date }>> {
      const { rows } = await db.query(`SELECT reader, action, at FROM rca_access_log WHERE rca_id = $1 ORDER BY id`, [
        rcaId,
      ]);
      return rows.map((row) => ({
        reader: String(row.reader),
        action: row.action as RcaAccessAction,
        at: toDate(row.at),
      }));
    },
  };
}

export type RcasRepository = ReturnType<typeof createRcasRepository>;
