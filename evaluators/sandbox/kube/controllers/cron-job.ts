/**
 * The CronJob controller: at each scheduled minute (UTC) it creates a Job from the job template,
 * named `<cronjob>-<minutes since the epoch>` and owned by the CronJob, then keeps the status
 * (active Jobs, last schedule and last success), records SuccessfulCreate, SawCompletedJob and
 * SuccessfulDelete events, and deletes finished Jobs beyond the history limits. Only the most
 * recent scheduled run is created: a loaded estate starts at the run that is due now.
 */
import type { KubeObject } from '../cluster-api.js';
import { defaultObject } from '../object-defaults.js';
import { stableUid } from '../stable-id.js';
import { type ControllerContext, controllerRef, isoSeconds, putIfChanged } from './context.js';
import { lastScheduledTime, parseCronSchedule } from './cron-schedule.js';

interface CronJobSpec {
  schedule?: string;
  suspend?: boolean;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: object };
}

interface JobCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

/** The annotation the controller puts on each Job it creates. */
const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** The Jobs the CronJob controls. */
function ownedJobs(context: ControllerContext, cronJob: KubeObject): KubeObject[] {
  const uid = cronJob.metadata.uid ?? '';
  return context.store
    .list('batch/Job', cronJob.metadata.namespace)
    .filter((job) => (job.metadata.ownerReferences ?? []).some((ref) => ref.uid === uid && ref.controller));
}

/** `Complete` or `Failed` with its time, or undefined while the Job runs. */
function finishedCondition(job: KubeObject): { type: 'Complete' | 'Failed'; at: string } | undefined {
  const conditions = ((job.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? []).filter(
    (condition) => condition.status === 'True',
  );
  const finished = conditions.find((condition) => condition.type === 'Complete' || condition.type === 'Failed');
  if (!finished) return undefined;
  return { type: finished.type as 'Complete' | 'Failed', at: finished.lastTransitionTime ?? '' };
}

function scheduledMs(job: KubeObject): number {
  return Date.parse(job.metadata.annotations?.[SCHEDULED_TIMESTAMP] ?? job.metadata.creationTimestamp ?? '') || 0;
}

function recordOnCronJob(context: ControllerContext, cronJob: KubeObject, reason: string, message: string, ms: number) {
  context.events.record({
    involved: cronJob,
    type: reason === 'UnparseableSchedule' ? 'Warning' : 'Normal',
    reason,
    message,
    component: 'cronjob-controller',
    firstMs: ms,
    lastMs: ms,
    count: 1,
  });
}

/** Creates the Job of the run that is due, if any. Returns true when it created one. */
export function syncCronJob(context: ControllerContext, cronJob: KubeObject): boolean {
  const spec = cronJob.spec as CronJobSpec;
  const namespace = cronJob.metadata.namespace ?? 'default';
  const schedule = parseCronSchedule(spec.schedule ?? '');
  const nowMs = context.now().getTime();
  if (typeof schedule === 'string') {
    const createdMs = Date.parse(cronJob.metadata.creationTimestamp ?? '') || nowMs;
    recordOnCronJob(
      context,
      cronJob,
      'UnparseableSchedule',
      `unparseable schedule: "${spec.schedule ?? ''}" : ${schedule}`,
      createdMs,
    );
    return false;
  }
  if (spec.suspend === true) return false;
  // The next scheduled minute comes with time alone.
  context.memory.timeDependentNamespaces.add(namespace);
  const createdMs = Date.parse(cronJob.metadata.creationTimestamp ?? '') || nowMs;
  const lastMs = Date.parse((cronJob.status as { lastScheduleTime?: string } | undefined)?.lastScheduleTime ?? '');
  const dueMs = lastScheduledTime(schedule, Math.max(createdMs, Number.isNaN(lastMs) ? -Infinity : lastMs), nowMs);
  if (dueMs === undefined) return false;
  const name = `${cronJob.metadata.name}-${Math.floor(dueMs / 60_000)}`;
  if (context.store.get('batch/Job', namespace, name)) return false;
  const jobs = ownedJobs(context, cronJob);
  const active = jobs.filter((job) => !finishedCondition(job));
  if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) return false;
  if (spec.concurrencyPolicy === 'Replace') {
    for (const job of active) deleteJob(context, cronJob, job, dueMs);
  }
  const template = spec.jobTemplate ?? {};
  const job = defaultObject({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      uid: stableUid(`${context.clusterName}|job|${namespace}|${name}|${cronJob.metadata.uid ?? ''}`),
      creationTimestamp: isoSeconds(dueMs),
      generation: 1,
      ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
      annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: isoSeconds(dueMs) },
      ownerReferences: [controllerRef(cronJob)],
    },
    spec: structuredClone(template.spec ?? {}),
  });
  context.store.put('batch/Job', job);
  recordOnCronJob(context, cronJob, 'SuccessfulCreate', `Created job ${name}`, dueMs);
  return true;
}

function deleteJob(context: ControllerContext, cronJob: KubeObject, job: KubeObject, atMs: number): void {
  const namespace = job.metadata.namespace;
  for (const pod of context.store.list('/Pod', namespace)) {
    if ((pod.metadata.ownerReferences ?? []).some((ref) => ref.uid === job.metadata.uid))
      context.store.remove('/Pod', namespace, pod.metadata.name);
  }
  context.store.remove('batch/Job', namespace, job.metadata.name);
  recordOnCronJob(context, cronJob, 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, atMs);
}

/** Writes the CronJob's status, records finished runs and applies the history limits. */
export function cronJobStatus(context: ControllerContext, cronJob: KubeObject): KubeObject {
  const spec = cronJob.spec as CronJobSpec;
  const jobs = ownedJobs(context, cronJob).sort((a, b) => scheduledMs(a) - scheduledMs(b));
  const finished = jobs.map((job) => ({ job, finished: finishedCondition(job) }));
  for (const { job, finished: condition } of finished) {
    if (!condition) continue;
    const atMs = Date.parse(condition.at) || context.now().getTime();
    recordOnCronJob(
      context,
      cronJob,
      'SawCompletedJob',
      `Saw completed job: ${job.metadata.name}, status: ${condition.type}`,
      atMs,
    );
  }
  const limits = { Complete: spec.successfulJobsHistoryLimit ?? 3, Failed: spec.failedJobsHistoryLimit ?? 1 };
  for (const type of ['Complete', 'Failed'] as const) {
    const ofType = finished.filter((entry) => entry.finished?.type === type);
    for (const entry of ofType.slice(0, Math.max(0, ofType.length - limits[type])))
      deleteJob(context, cronJob, entry.job, Date.parse(entry.finished?.at ?? '') || context.now().getTime());
  }
  const kept = ownedJobs(context, cronJob);
  const active = kept.filter((job) => !finishedCondition(job)).sort((a, b) => scheduledMs(a) - scheduledMs(b));
  const previous = (cronJob.status ?? {}) as { lastScheduleTime?: string; lastSuccessfulTime?: string };
  const lastSchedule = Math.max(
    Date.parse(previous.lastScheduleTime ?? '') || 0,
    ...jobs.map((job) => scheduledMs(job)),
  );
  const lastSuccess = finished
    .filter((entry) => entry.finished?.type === 'Complete')
    .map((entry) => entry.finished?.at ?? '')
    .concat(previous.lastSuccessfulTime ? [previous.lastSuccessfulTime] : [])
    .sort()
    .pop();
  const status: Record<string, unknown> = {
    ...(active.length > 0
      ? {
          active: active.map((job) => ({
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: job.metadata.name,
            namespace: job.metadata.namespace,
            uid: job.metadata.uid,
          })),
        }
      : {}),
    ...(lastSchedule > 0 ? { lastScheduleTime: isoSeconds(lastSchedule) } : {}),
    ...(lastSuccess ? { lastSuccessfulTime: lastSuccess } : {}),
  };
  return putIfChanged(context, cronJob, { ...cronJob, status });
}
