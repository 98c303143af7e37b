import { z } from 'zod';
import { ownersShape } from './common-shapes.js';

/** The result shapes of the Kyverno server's read tools, as far as the pipeline reads them. */

/** `list_policy_violations`: failing results grouped by policy and rule. */
export const listPolicyViolationsResult = z.object({
  groups: z.array(
    z.object({
      policy: z.string(),
      rule: z.string(),
      result: z.string(),
      severity: z.string().optional(),
      message: z.string(),
      /** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
      resources: z.array(z.string()),
      /** The same resources as data, each with its owner chain and Argo CD app. */
      resourceRefs: z
        .array(z.object({ kind: z.string(), name: z.string(), owners: ownersShape, argocdApp: z.string().optional() }))
        .default([]),
      owners: ownersShape,
      argocdApp: z.string().optional(),
    }),
  ),
  total: z.number().optional(),
  violations: z.number().optional(),
});

/** `explain_admission_denial`: each denial with the rule's requirements and the failed field. */
export const explainAdmissionDenialResult = z.object({
  denials: z.array(
    z.object({
      policy: z.string(),
      rule: z.string(),
      message: z.string(),
      mode: z.string().optional(),
      requirements: z.array(z.string()).default([]),
      failedPath: z.string().optional(),
      policyFound: z.boolean().optional(),
      resource: z.string().optional(),
      source: z.string().optional(),
      seenAt: z.string().optional(),
    }),
  ),
});
