/** closed: calls flow; open: calls are skipped; half-open: one probe decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit skips calls before letting one probe through. */
  cooldownMs: number;
  /** Injected clock (milliseconds). */
  now?: () => number;
  onStateChange?: (state: CircuitState) => void;
}

/**
 * A per-upstream circuit breaker. After `failureThreshold` consecutive failures it opens and
 * every call is skipped at no cost; once `cooldownMs` has passed, exactly one call (a real call or
 * a health check) is let through as a probe: success closes the circuit, failure re-opens it for
 * another cool-down.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an open circuit past its cool-down reads as half-open). */
  get currentState(): CircuitState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half-open';
    return this.state;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * Asks to make a call. Returns false when the call must be skipped (open, or half-open with the
   * probe already out); true means go ahead and report the outcome with `recordSuccess`/`recordFailure`.
   */
  tryAcquire(): boolean {
    const state = this.currentState;
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    this.setState('half-open');
    return true;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when not open). */
  retryInMs(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.options.cooldownMs - (this.now() - this.openedAt));
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probeInFlight = false;
    this.setState('closed');
  }

  recordFailure(): void {
    this.failures += 1;
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    // A call that started before the circuit opened must not extend the cool-down.
    if (this.state === 'open' && !wasProbe) return;
    if (wasProbe || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.setState('open');
    }
  }

  private setState(state: CircuitState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
