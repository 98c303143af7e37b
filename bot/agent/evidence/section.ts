import type { ToolCallFailure } from '../ports.js';
import type { ReadResult } from '../tool-results/read-result.js';
import type { ReadTool } from '../tool-results/result-schemas.js';

/** A read tool's checked result, tagged with the tool so a switch on `tool` narrows `read`. */
export type SectionFacts = { [T in ReadTool]: { tool: T; read: ReadResult<T> } }[ReadTool];

/** What one gather call returned: the text for the prompt, the checked facts for evidence lines. */
export type GatheredSection = SectionFacts & {
  instance?: string;
  /** What the call was about, e.g. `deployment/shop/checkout` or `app/checkout`. */
  target: string;
  /** The server's text, for the model only; nothing is read from it. */
  text: string;
  isError: boolean;
  failure?: ToolCallFailure;
};

/** What a formatter needs besides the facts: where they came from and the time, for ages. */
export interface EvidenceContext {
  /** `tool:instance/target`, the source of every line a section yields. */
  source: string;
  now: number;
}
