import type { DiagnosisFacts, Since } from './facts.js';

/** What the investigation covered, so a "nothing found" answer says what was and was not looked at. */
export interface TriageScope {
  /** The estate was swept (the question named no object); see Entities.swept. */
  swept?: boolean;
  /** Instances that did not answer. */
  unreachable?: readonly string[];
  /** Names and values for fixes, from the gathered data. */
  facts?: DiagnosisFacts;
  /** The revision the failing state came with. */
  since?: Since;
  /** The object under investigation, as people name it (`Deployment shop/checkout, Argo CD app checkout`). */
  where?: string;
  /** What is broken for users, one clause (`Argo CD app checkout is Degraded; 0/3 pods ready`). */
  impact?: string;
  /** Evidence lines about a dependency of the subject rather than the subject itself. */
  dependencyLines?: ReadonlySet<string>;
  /** The clock, for "deployed 35m ago". */
  now?: number;
}
