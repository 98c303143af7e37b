/**
 * Reading a reply in a conversation: is it a follow-up, and of which kind. Regular expressions
 * here read the person's words, never a tool's. Each pattern is anchored to how people phrase
 * the follow-up, and only short replies (at most MAX_FOLLOW_UP_WORDS words) count when the bot is
 * not mentioned, so chatter between people in the thread does not start an investigation.
 */

/** What a reply asks of the conversation. */
export type FollowUpIntent =
  /** The same subject in another environment or place ("what about staging?", "and in prod-us?"). */
  | { kind: 'elsewhere'; place: string }
  /** The same subject again with fresh evidence; `focus` is what the person wants to see. */
  | { kind: 'recheck'; focus: 'logs' | 'previous-logs' | 'events' | 'history' | 'status' }
  /** The fix flow on the thread's last answer. */
  | { kind: 'fix' }
  /** The RCA flow on the thread's last answer. */
  | { kind: 'rca' }
  /** None of the above. */
  | { kind: 'none' };

/** Replies longer than this are not read as follow-ups unless they mention the bot. */
export const MAX_FOLLOW_UP_WORDS = 12;

const FIX =
  /\b(?:propose|suggest|open|raise|create|make|draft|prepare|write)\b.{0,30}\b(?:fix|pr|pull request|patch)\b|^(?:please\s+)?(?:fix it|can you fix (?:it|this))\b/i;
const RCA =
  /\b(?:draft|write|create|prepare|start|do)\b.{0,30}\b(?:rca|post-?mortem|incident report|root cause analysis)\b|^\s*rca\b/i;
const PREVIOUS_LOGS =
  /\b(?:previous|prior|last|crashed|dead|old)\b.{0,30}\blogs?\b|\blogs?\b.{0,30}\b(?:previous|before)\b/i;
const LOGS = /\blogs?\b/i;
const EVENTS = /\bevents?\b/i;
const HISTORY = /\b(?:history|rollouts?|revisions?|what changed|recent changes|deployments)\b/i;
const STATUS =
  /\b(?:fixed|resolved|recovered|better|healthy|back up|working)\b.{0,20}\b(?:now|yet|again)?|\bstill\b.{0,20}\b(?:broken|failing|down|crashing)\b|\b(?:check|look)\b.{0,10}\bagain\b|\bre-?check\b|^(?:and\s+)?now\s*\??$/i;
const ELSEWHERE =
  /^(?:and|also|what about|how about|same(?: thing)?|and what about|what of)\s+(?:(?:in|on|for|at)\s+)?(?:the\s+)?([a-z0-9][a-z0-9 ._-]{0,40}?)\s*[?.!]*$/i;
const ENVIRONMENT_ONLY =
  /^(?:(?:in|on|for)\s+)?((?:prod|production|staging|stage|stg|dev|development|qa|test)[a-z0-9-]*)\s*[?.!]*$/i;

/** Words after "and …" / "what about …" that are chatter, not a place. */
const NOT_A_PLACE = new Set(
  `thanks thank thx ty ok okay cool great nice perfect that this it then so you me us them him her lunch later
   coffee tomorrow today yes no sure`.split(/\s+/),
);

function isPlace(phrase: string): boolean {
  const words = phrase.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.length <= 3 && !words.some((word) => NOT_A_PLACE.has(word));
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * The intent of a reply. `isAddressed` (the bot was mentioned) lifts the length limit: a person
 * who names the bot means it, however long the sentence.
 */
export function followUpIntent(text: string, options: { isAddressed: boolean }): FollowUpIntent {
  const reply = text.trim();
  if (reply === '') return { kind: 'none' };
  if (!options.isAddressed && wordCount(reply) > MAX_FOLLOW_UP_WORDS) return { kind: 'none' };
  if (RCA.test(reply)) return { kind: 'rca' };
  if (FIX.test(reply)) return { kind: 'fix' };
  if (PREVIOUS_LOGS.test(reply)) return { kind: 'recheck', focus: 'previous-logs' };
  if (LOGS.test(reply)) return { kind: 'recheck', focus: 'logs' };
  if (EVENTS.test(reply)) return { kind: 'recheck', focus: 'events' };
  if (HISTORY.test(reply)) return { kind: 'recheck', focus: 'history' };
  if (STATUS.test(reply)) return { kind: 'recheck', focus: 'status' };
  const place = ELSEWHERE.exec(reply)?.[1] ?? ENVIRONMENT_ONLY.exec(reply)?.[1];
  if (place && isPlace(place)) return { kind: 'elsewhere', place: place.trim() };
  return { kind: 'none' };
}
