import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type CallToolResult,
  type Implementation,
  type ListToolsResult,
  type ReadResourceResult,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import {
  answerToServer,
  checkCallToolResult,
  checkInitializeResult,
  checkListToolsResult,
  checkReadResourceResult,
  isObject,
  parseJson,
  settle,
  type JsonRpcId,
} from './http-session.js';
import { ResponseTooLargeError } from './upstream-http.js';

/** What one stdio session needs to start and watch its child. */
export interface StdioSessionOptions {
  command: string;
  args: readonly string[];
  /** The child's whole environment (nothing else of ours is inherited). */
  env: Record<string, string>;
  clientInfo: Implementation;
  /** Largest single message read from the child. */
  maxResponseBytes: number;
  /** The child's stderr, chunk by chunk (its log). */
  onStderr: (text: string) => void;
  /** Notifications and requests the child sends (logged at debug by the caller). */
  onServerMessage?: (method: string) => void;
  /** The child exited or its pipes broke: the session is over. */
  onClose: () => void;
}

interface Pending {
  resolve: (message: Record<string, unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * An MCP client session with a child process over stdio (newline-delimited JSON-RPC), the same
 * client as `HttpMcpSession` on another carrier: initialize and `initialized`, requests matched
 * to responses by id, ping answered and other requests of the child refused, notifications
 * passed to `onServerMessage`, `notifications/cancelled` for an abandoned request, and results
 * checked for the shape the gateway relies on. A child that exits fails every request in flight
 * with ConnectionClosed.
 */
export class StdioMcpSession {
  private readonly pending = new Map<JsonRpcId, Pending>();
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private nextId = 0;
  private ended: Error | undefined;
  /** What the child declared at initialize. */
  capabilities: ServerCapabilities = {};
  protocolVersion: string = LATEST_PROTOCOL_VERSION;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: StdioSessionOptions,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.read(chunk));
    child.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString('utf8').trimEnd()));
    // A write to a child that just exited fails with EPIPE; the exit handler reports it.
    child.stdin?.on('error', () => undefined);
    child.once('error', (error) =>
      this.end(new McpError(ErrorCode.ConnectionClosed, `upstream process failed: ${error.message}`)),
    );
    child.once('exit', (code, signal) =>
      this.end(
        new McpError(ErrorCode.ConnectionClosed, `upstream process exited (${signal ?? `code ${code ?? '?'}`})`),
      ),
    );
  }

  /** Starts the child and opens the session: initialize, check the answer, send `notifications/initialized`. */
  static async open(options: StdioSessionOptions, signal: AbortSignal): Promise<StdioMcpSession> {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const session = new StdioMcpSession(child, options);
    try {
      const result = await session.request(
        'initialize',
        { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: options.clientInfo },
        signal,
      );
      const { version, capabilities } = checkInitializeResult(result);
      session.protocolVersion = version;
      session.capabilities = capabilities;
      session.write({ jsonrpc: '2.0', method: 'notifications/initialized' });
      return session;
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async callTool(params: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    return checkCallToolResult(await this.request('tools/call', params, signal));
  }

  async listTools(cursor: string | undefined, signal: AbortSignal): Promise<ListToolsResult> {
    return checkListToolsResult(await this.request('tools/list', cursor ? { cursor } : {}, signal));
  }

  async readResource(uri: string, signal: AbortSignal): Promise<ReadResourceResult> {
    return checkReadResourceResult(await this.request('resources/read', { uri }, signal));
  }

  /** Closes the child's stdin, then signals it if it has not exited within a second. */
  async close(): Promise<void> {
    const { child } = this;
    this.end(new McpError(ErrorCode.ConnectionClosed, 'the gateway closed the session'));
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), 1000);
    const hardTimer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    clearTimeout(hardTimer);
  }

  private write(message: unknown): void {
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** One request and the result of its response. */
  private request(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (this.ended) return Promise.reject(this.ended);
    if (signal.aborted) return Promise.reject(signal.reason);
    const id = ++this.nextId;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        const reason = signal.reason instanceof Error ? signal.reason.message : 'the gateway stopped waiting';
        this.write({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: id, reason: reason.slice(0, 200) },
        });
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (message) => {
          signal.removeEventListener('abort', onAbort);
          try {
            resolve(settle(message));
          } catch (error) {
            reject(error);
          }
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Splits stdout into lines, one JSON-RPC message (or batch) each; sizes are counted in characters. */
  private read(chunk: Buffer): void {
    if (this.ended) return;
    this.partial += this.decoder.write(chunk);
    const limit = this.options.maxResponseBytes;
    let newline = this.partial.indexOf('\n');
    while (newline !== -1) {
      if (newline > limit) return this.tooLarge();
      const line = this.partial.slice(0, newline).trim();
      this.partial = this.partial.slice(newline + 1);
      if (line !== '') this.dispatch(line);
      newline = this.partial.indexOf('\n');
    }
    if (this.partial.length > limit) this.tooLarge();
  }

  /** A message too large to read cannot be skipped reliably: end the session, the next call opens a new one. */
  private tooLarge(): void {
    this.partial = '';
    this.end(
      new ResponseTooLargeError(
        `a message of the upstream is over the gateway's limit of ${this.options.maxResponseBytes} bytes`,
      ),
    );
    this.child.kill('SIGTERM');
  }

  private dispatch(line: string): void {
    let parsed: unknown;
    try {
      parsed = parseJson(line, 'upstream message');
    } catch {
      // Servers sometimes print stray lines to stdout; they are not messages.
      this.options.onStderr(`not a JSON-RPC message on stdout: ${line.slice(0, 200)}`);
      return;
    }
    for (const message of Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]) {
      if (!isObject(message)) continue;
      if (typeof message.method === 'string') {
        this.options.onServerMessage?.(message.method);
        if (message.id !== undefined && message.id !== null) this.write(answerToServer(message));
        continue;
      }
      const id = message.id;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      pending.resolve(message);
    }
  }

  /** Fails every request in flight and refuses new ones. */
  private end(error: Error): void {
    if (this.ended) return;
    this.ended = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.options.onClose();
  }
}
