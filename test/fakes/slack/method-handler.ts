/** The shape of one fake Web API method: it reads the call's arguments and the workspace state. */
import type { MethodArgs } from './method-args.js';
import type { SlackState } from './slack-state.js';

/** What a method sees: the call's arguments and the shared workspace state. */
export interface MethodContext {
  args: MethodArgs;
  state: SlackState;
}

/**
 * One Web API method. It returns the fields of a successful response (the fake adds `ok: true`)
 * or throws a `SlackApiError` for a logical error.
 */
export type MethodHandler = (context: MethodContext) => Record<string, unknown>;
