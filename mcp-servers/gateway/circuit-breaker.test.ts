import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1000) {
  let now = 0;
  const changes: CircuitState[] = [];
  const circuit = new CircuitBreaker({
    failureThreshold: threshold,
    cooldownMs,
    now: () => now,
    onStateChange: (state) => changes.push(state),
  });
  return { circuit, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens only after N consecutive failures; a success in between resets the count', () => {
    const { circuit } = breaker(3);
    circuit.recordFailure();
    circuit.recordFailure();
    circuit.recordSuccess();
    circuit.recordFailure();
    circuit.recordFailure();
    expect(circuit.currentState).toBe('closed');
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordFailure();
    expect(circuit.currentState).toBe('open');
    expect(circuit.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the cool-down; success closes it', () => {
    const { circuit, changes, advance } = breaker(1, 1000);
    circuit.recordFailure();
    advance(999);
    expect(circuit.tryAcquire()).toBe(false);
    advance(1);
    expect(circuit.currentState).toBe('half-open');
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.tryAcquire()).toBe(false);
    circuit.recordSuccess();
    expect(circuit.currentState).toBe('closed');
    expect(circuit.tryAcquire()).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('re-opens for a full cool-down when the probe fails', () => {
    const { circuit, advance } = breaker(2, 1000);
    circuit.recordFailure();
    circuit.recordFailure();
    advance(1000);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordFailure();
    expect(circuit.currentState).toBe('open');
    advance(999);
    expect(circuit.tryAcquire()).toBe(false);
    expect(circuit.retryInMs()).toBe(1);
  });

  it('does not extend the cool-down for calls that started before the circuit opened', () => {
    const { circuit, advance } = breaker(1, 1000);
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.recordFailure();
    advance(600);
    circuit.recordFailure();
    advance(400);
    expect(circuit.currentState).toBe('half-open');
  });
});
