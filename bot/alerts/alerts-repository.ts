import type { SqlClient } from '../store/database.js';
import { toDate, toJson, toNumber, toOptionalDate, toOptionalString } from '../store/rows.js';
import type { AlertSource, IncomingAlert } from './alert.js';

/** One stored alert (migration 0021). */
export interface StoredAlert {
  id: string;
  source: AlertSource;
  fingerprint: string;
  channel: string;
  name: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  url?: string;
  startsAt?: Date;
  endsAt?: Date;
  fireCount: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt?: Date;
  investigationId?: string;
  suppressedWindow?: Date;
}

const COLUMNS = `id, source, fingerprint, channel, name, status, labels, annotations, url, starts_at, ends_at,
  fire_count, first_seen_at, last_seen_at, resolved_at, investigation_id, suppressed_window`;

function fromRow(row: Record<string, unknown>): StoredAlert {
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    id: String(row.id),
    source: row.source as AlertSource,
    fingerprint: String(row.fingerprint),
    channel: String(row.channel),
    name: String(row.name),
    status: row.status as StoredAlert['status'],
    labels: (toJson(row.labels) ?? {}) as Record<string, string>,
    annotations: (toJson(row.annotations) ?? {}) as Record<string, string>,
    fireCount: toNumber(row.fire_count),
    firstSeenAt: toDate(row.first_seen_at),
    lastSeenAt: toDate(row.last_seen_at),
    ...optional('url', toOptionalString(row.url)),
    ...optional('startsAt', toOptionalDate(row.starts_at)),
    ...optional('endsAt', toOptionalDate(row.ends_at)),
    ...optional('resolvedAt', toOptionalDate(row.resolved_at)),
    ...optional('investigationId', toOptionalString(row.investigation_id)),
    ...optional('suppressedWindow', toOptionalDate(row.suppressed_window)),
  };
}

/** The storm window of a channel: investigations started, alerts summarised, the summary message. */
export interface AlertWindow {
  investigations: number;
  suppressed: number;
  summaryClaimed: boolean;
  summaryTs?: string;
}

/** Alerts and per-channel minute windows; every write takes the transaction client it runs in. */
export function createAlertsRepository(db: SqlClient) {
  const one = async (sql: string, params: unknown[], client: SqlClient = db) => {
    const { rows } = await client.query(`${sql} RETURNING ${COLUMNS}`, params);
    return rows[0] ? fromRow(rows[0]) : undefined;
  };
  return {
    async find(source: AlertSource, fingerprint: string, client: SqlClient = db): Promise<StoredAlert | undefined> {
      const { rows } = await client.query(
        `SELECT ${COLUMNS} FROM alerts WHERE source = $1 AND fingerprint = $2 FOR UPDATE`,
        [source, fingerprint],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async get(id: string): Promise<StoredAlert | undefined> {
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Inserts a first sighting; a concurrent insert of the same alert makes this return undefined. */
    async insert(
      id: string,
      alert: IncomingAlert,
      channel: string,
      now: Date,
      client: SqlClient,
    ): Promise<StoredAlert | undefined> {
      return one(
        `INSERT INTO alerts (id, source, fingerprint, channel, name, status, labels, annotations, url, starts_at,
           ends_at, first_seen_at, last_seen_at, resolved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $12, $13)
         ON CONFLICT (source, fingerprint) DO NOTHING`,
        [
          id,
          alert.source,
          alert.fingerprint,
          channel,
          alert.name,
          alert.status,
          JSON.stringify(alert.labels),
          JSON.stringify(alert.annotations),
          alert.url ?? null,
          alert.startsAt ?? null,
          alert.endsAt ?? null,
          now,
          alert.status === 'resolved' ? (alert.endsAt ?? now) : null,
        ],
        client,
      );
    },

    /** Another delivery: new status and texts; a firing delivery after a resolve counts as a new firing. */
    async update(id: string, alert: IncomingAlert, now: Date, client: SqlClient): Promise<StoredAlert> {
      const updated = await one(
        `UPDATE alerts SET
           fire_count = fire_count + CASE WHEN $2 = 'firing' THEN 1 ELSE 0 END,
           status = $2, name = $3, labels = $4::jsonb, annotations = $5::jsonb, url = COALESCE($6, url),
           starts_at = COALESCE($7, starts_at), ends_at = $8, last_seen_at = $9,
           resolved_at = CASE WHEN $2 = 'resolved' THEN COALESCE(resolved_at, $8, $9) ELSE NULL END
         WHERE id = $1`,
        [
          id,
          alert.status,
          alert.name,
          JSON.stringify(alert.labels),
          JSON.stringify(alert.annotations),
          alert.url ?? null,
          alert.startsAt ?? null,
          alert.endsAt ?? null,
          now,
        ],
        client,
      );
      if (!updated) throw new Error(`alert ${id} vanished during update`);
      return updated;
    },

    async setInvestigation(id: string, investigationId: string, client: SqlClient): Promise<void> {
      await client.query(`UPDATE alerts SET investigation_id = $2, suppressed_window = NULL WHERE id = $1`, [
        id,
        investigationId,
      ]);
    },

    async suppress(id: string, window: Date, client: SqlClient): Promise<void> {
      await client.query(`UPDATE alerts SET suppressed_window = $2 WHERE id = $1`, [id, window]);
    },

    /** Takes one of the window's investigation slots; false when all `max` are taken (atomic). */
    async claimSlot(channel: string, window: Date, max: number, client: SqlClient): Promise<boolean> {
      const { rows } = await client.query(
        `INSERT INTO alert_windows (channel, window_start, investigations) VALUES ($1, $2, 1)
         ON CONFLICT (channel, window_start) DO UPDATE SET investigations = alert_windows.investigations + 1
           WHERE alert_windows.investigations < $3
         RETURNING investigations`,
        [channel, window, max],
      );
      return rows.length > 0;
    },

    /** Counts one more summarised alert in the window; returns the new count. */
    async addSuppressed(channel: string, window: Date, client: SqlClient): Promise<number> {
      const { rows } = await client.query(
        `UPDATE alert_windows SET suppressed = suppressed + 1 WHERE channel = $1 AND window_start = $2
         RETURNING suppressed`,
        [channel, window],
      );
      return toNumber(rows[0]?.suppressed);
    },

    async window(channel: string, window: Date, client: SqlClient = db): Promise<AlertWindow | undefined> {
      const { rows } = await client.query(
        `SELECT investigations, suppressed, summary_claimed, summary_ts FROM alert_windows
         WHERE channel = $1 AND window_start = $2`,
        [channel, window],
      );
      const row = rows[0];
      if (!row) return undefined;
      const summaryTs = toOptionalString(row.summary_ts);
      return {
        investigations: toNumber(row.investigations),
        suppressed: toNumber(row.suppressed),
        summaryClaimed: row.summary_claimed === true,
        ...(summaryTs ? { summaryTs } : {}),
      };
    },

    /** True for the one caller that may post the window's summary message. */
    async claimSummary(channel: string, window: Date): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE alert_windows SET summary_claimed = true
         WHERE channel = $1 AND window_start = $2 AND summary_claimed = false RETURNING channel`,
        [channel, window],
      );
      return rows.length > 0;
    },

    async setSummaryTs(channel: string, window: Date, ts: string): Promise<void> {
      await db.query(`UPDATE alert_windows SET summary_ts = $3 WHERE channel = $1 AND window_start = $2`, [
        channel,
        window,
        ts,
      ]);
    },

    /** The alerts summarised in a window, oldest first. */
    async suppressedIn(channel: string, window: Date): Promise<StoredAlert[]> {
      const { rows } = await db.query(
        `SELECT ${COLUMNS} FROM alerts WHERE channel = $1 AND suppressed_window = $2 ORDER BY first_seen_at, id`,
        [channel, window],
      );
      return rows.map(fromRow);
    },

    /** The thread of an investigation once the worker has posted its anchor; undefined before. */
    async threadOf(investigationId: string, client: SqlClient = db): Promise<{ exists: boolean; thread?: string }> {
      const { rows } = await client.query(`SELECT thread FROM investigations WHERE id = $1`, [investigationId]);
      if (!rows[0]) return { exists: false };
      const thread = toOptionalString(rows[0].thread);
      return { exists: true, ...(thread ? { thread } : {}) };
    },
  };
}

export type AlertsRepository = ReturnType<typeof createAlertsRepository>;
