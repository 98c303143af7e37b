/** What the confidence of a triage answer is decided from. */
export interface ConfidenceInputs {
  /** The best skill scored at least 1.5 times the runner-up (or had none). */
  isClearSkill: boolean;
  /** The skill has fix cases. */
  hasCases: boolean;
  /** A fix case was singled out by the evidence (false when the skill has cases and none stood out). */
  isCaseDecided: boolean;
  /** The chosen case's placeholders all had values from the evidence. */
  isFixConcrete: boolean;
  /** Distinct signal clauses that hit for the skill. */
  signalHits: number;
  /** Some instance did not answer. */
  hasBlindSpots: boolean;
}

export type Confidence = 'high' | 'medium' | 'low';

/**
 * The documented rule (skills/README.md, "Confidence"): start from the skill match — high when
 * one skill clearly wins with at least two signals, medium when it wins with one, low when
 * another skill is close. Then one step down for each doubt: the fix case was not singled out,
 * the fix lacks a value the evidence should have given, or an instance could not be checked.
 * Never below low.
 */
export function confidenceOf(inputs: ConfidenceInputs): Confidence {
  let level = inputs.isClearSkill ? (inputs.signalHits >= 2 ? 2 : 1) : 0;
  if (inputs.hasCases && !inputs.isCaseDecided) level -= 1;
  if (inputs.hasCases && inputs.isCaseDecided && !inputs.isFixConcrete) level -= 1;
  if (inputs.hasBlindSpots) level -= 1;
  return level >= 2 ? 'high' : level === 1 ? 'medium' : 'low';
}
