/**
 * Table printers of the workload kinds (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
 * CronJob), columns as
 * the real API server returns them.
 */
import { ageSince, humanDuration } from './human-duration.js';
import { type J, type Printer, col, none, podStatusReason, selectorText, containersOf } from './table-printing.js';

/** Printers of the workload kinds. */
export const WORKLOAD_PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells(pod, now) {
      const info = podStatusReason(pod);
      const restarts =
        info.lastRestartMs !== undefined && info.restarts > 0
          ? `${info.restarts} (${humanDuration(now.getTime() - info.lastRestartMs)} ago)`
          : info.restarts;
      const status = pod.status as J | undefined;
      return [
        pod.metadata.name,
        `${info.ready}/${info.total}`,
        info.reason,
        restarts,
        ageSince(pod.metadata.creationTimestamp, now),
        status?.podIP ?? none,
        (pod.spec as J).nodeName ?? none,
        status?.nominatedNodeName ?? none,
        none,
      ];
    },
  },
  Deployment: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(d, now) {
      const spec = d.spec as J;
      const status = (d.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        d.metadata.name,
        `${status.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        ageSince(d.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(rs, now) {
      const spec = rs.spec as J;
      const status = (rs.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        rs.metadata.name,
        spec.replicas ?? 1,
        status.replicas ?? 0,
        status.readyReplicas ?? 0,
        ageSince(rs.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  StatefulSet: {
    columns: [col('Name'), col('Ready'), col('Age'), col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells(s, now) {
      const spec = s.spec as J;
      const c = containersOf(spec.template);
      return [
        s.metadata.name,
        `${(s.status as J | undefined)?.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
        ageSince(s.metadata.creationTimestamp, now),
        c.names,
        c.images,
      ];
    },
  },
  DaemonSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(ds, now) {
      const spec = ds.spec as J;
      const st = (ds.status ?? {}) as J;
      const c = containersOf(spec.template);
      return [
        ds.metadata.name,
        st.desiredNumberScheduled ?? 0,
        st.currentNumberScheduled ?? 0,
        st.numberReady ?? 0,
        st.updatedNumberScheduled ?? 0,
        st.numberAvailable ?? 0,
        selectorText(spec.template?.spec?.nodeSelector),
        ageSince(ds.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  Job: {
    columns: [
      col('Name'),
      col('Status'),
      col('Completions'),
      col('Duration'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(job, now) {
      const spec = job.spec as J;
      const st = (job.status ?? {}) as J;
      const conditions: J[] = st.conditions ?? [];
      const status = conditions.some((c) => c.type === 'Complete' && c.status === 'True')
        ? 'Complete'
        : conditions.some((c) => c.type === 'Failed' && c.status === 'True')
          ? 'Failed'
          : 'Running';
      const end = st.completionTime ? Date.parse(st.completionTime) : now.getTime();
      const duration = st.startTime ? humanDuration(end - Date.parse(st.startTime)) : '';
      const c = containersOf(spec.template);
      return [
        job.metadata.name,
        status,
        `${st.succeeded ?? 0}/${spec.completions ?? 1}`,
        duration,
        ageSince(job.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.selector),
      ];
    },
  },
  CronJob: {
    columns: [
      col('Name'),
      col('Schedule'),
      col('Timezone'),
      col('Suspend'),
      col('Active', 'integer'),
      col('Last Schedule'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells(cronJob, now) {
      const spec = cronJob.spec as J;
      const st = (cronJob.status ?? {}) as J;
      const c = containersOf(spec.jobTemplate?.spec?.template);
      return [
        cronJob.metadata.name,
        spec.schedule ?? '',
        spec.timeZone ?? none,
        spec.suspend === true ? 'True' : 'False',
        (st.active ?? []).length,
        st.lastScheduleTime ? ageSince(st.lastScheduleTime, now) : none,
        ageSince(cronJob.metadata.creationTimestamp, now),
        c.names,
        c.images,
        selectorText(spec.jobTemplate?.spec?.selector),
      ];
    },
  },
};
