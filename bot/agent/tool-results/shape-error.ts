import { BotError } from '../../errors.js';

/**
 * A tool answered, but its `structuredContent` does not have the shape the pipeline reads facts
 * from. Never retried: the server and the bot disagree on the contract, and retrying will not
 * change that. `path` is the zod issue path (`pods.0.problems`), so the field is easy to find.
 */
export class ToolResultShapeError extends BotError {
  readonly tool: string;
  readonly path: string;

  constructor(tool: string, path: string, message: string) {
    super(
      'tool_result_invalid',
      `${tool} returned structured content of an unexpected shape at ${path || '(root)'}: ${message}`,
      { isRetryable: false },
    );
    this.tool = tool;
    this.path = path;
  }
}
