/**
 * The narrow interfaces the investigation pipeline depends on. Concrete implementations (MCP
 * gateway client, Anthropic SDK client, skill catalog on disk, Postgres store) are wired by the
 * entry points; the pipeline itself imports nothing concrete.
 */
import type { EvidenceBundle } from '../skills/evidence.js';

/** A tool the gateway offers, as the model would see it. */
export interface ToolDescriptor {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  isReadOnly: boolean;
}

/** Why a call produced no answer, when it was an infrastructure fault rather than a tool's verdict. */
export interface ToolCallFailure {
  /** The gateway's or server's code: `upstream_unavailable`, `upstream_timeout`, `circuit_open`, `backend_error`... */
  code: string;
  /** Asking again later may succeed (the instance is down or slow, not wrong). */
  isRetryable: boolean;
}

/**
 * What a tool call returned. `text` is what the model reads; `structured` (the MCP
 * `structuredContent`) is what the pipeline reads facts from, checked per tool in
 * `tool-results/`. `isError` results are for the model to act on; `failure` says the call did
 * not reach an answer at all, and whether that is worth retrying.
 */
export interface ToolCallResult {
  text: string;
  structured?: unknown;
  isError: boolean;
  failure?: ToolCallFailure;
}

export interface ToolCallOptions {
  traceparent?: string;
  signal?: AbortSignal;
}

/** The MCP gateway as the pipeline sees it. Infrastructure failures throw. */
export interface ToolGateway {
  listTools(): Promise<ToolDescriptor[]>;
  callTool(name: string, args: Record<string, unknown>, options?: ToolCallOptions): Promise<ToolCallResult>;
}

/** One conversation block, in Messages API terms. */
export type ModelContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean }
  /** Server-side tool blocks (native tool search) are passed back verbatim. */
  | { type: 'server'; raw: Record<string, unknown> };

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ModelContentBlock[];
}

export interface ModelToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Native tool search: the tool is discoverable but not loaded into context up front. */
  deferLoading?: boolean;
}

export interface ModelRequest {
  system: string;
  tools: ModelToolDefinition[];
  messages: ModelMessage[];
  maxTokens: number;
  /** Force a specific tool (used on the last turn to get the final answer). */
  forceTool?: string;
  /** Add Anthropic's native tool-search tool (tools with deferLoading are found through it). */
  useNativeToolSearch?: boolean;
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface ModelResponse {
  content: ModelContentBlock[];
  stopReason: string;
  model: string;
  usage: ModelUsage;
  /** Models that failed before this one answered (fallback taken). */
  failedModels: string[];
}

/**
 * A Messages-API model with retries and fallback inside. Throws an error with
 * `code: 'model_unavailable'` when every configured model failed; the pipeline then triages.
 */
export interface ModelClient {
  readonly models: readonly string[];
  create(request: ModelRequest): Promise<ModelResponse>;
}

export interface SkillSummary {
  name: string;
  description: string;
}

export interface SkillDocument extends SkillSummary {
  body: string;
  /** The `## Fix` section, for triage answers. */
  fix?: string;
  /** Files under references/ that read_skill_file may open. */
  references: string[];
}

export interface SkillHit {
  signal: string;
  line: string;
  source: string;
  /** How telling the hit is (rarer, more specific signals weigh more). */
  weight: number;
}

export interface SkillMatchResult {
  name: string;
  score: number;
  hits: SkillHit[];
}

/** The skill library as the pipeline sees it. */
export interface SkillCatalog {
  names(): string[];
  /** A compact index for the prompt (name + description), ranked for the query when large. */
  promptIndex(query: string): string;
  get(name: string): SkillDocument | undefined;
  readFile(name: string, path: string): Promise<string | undefined>;
  match(evidence: EvidenceBundle): SkillMatchResult[];
  search(query: string, limit: number): SkillSummary[];
  /** The version a skill is served at (commit, or content hash); answers cite it. */
  version?(name: string): Promise<string | undefined>;
}

/** Where each tool call is audited. */
export interface ToolCallRecorder {
  record(call: {
    server: string;
    instance?: string;
    tool: string;
    arguments: Record<string, unknown>;
    outcome: 'ok' | 'tool_error' | 'failed';
    durationMs: number;
    error?: string;
    /** The result's `structuredContent`, kept for RCA drafting (the store redacts it). */
    structured?: unknown;
  }): Promise<void>;
}

export type PipelineStep = 'resolve' | 'gather' | 'match' | 'reason' | 'triage' | 'answer';

/** Progress lines while an investigation runs (Slack status, CLI stderr). */
export type ProgressListener = (step: PipelineStep, message: string) => void;

export interface Clock {
  now(): number;
}

/** Price per million tokens, for cost accounting. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}
