import { describe, expect, it } from 'vitest';
import { correctionFromReply } from './correction-flow.js';

describe('correctionFromReply', () => {
  it.each([
    ["that's wrong, it was the ResourceQuota of payments", 'the ResourceQuota of payments'],
    ['That is wrong. It was the memory limit in values-prod.yaml', 'the memory limit in values-prod.yaml'],
    ['no, wrong — the real cause is a typo in the namespace', 'a typo in the namespace'],
    ["you're wrong: the actual problem was the Kyverno policy", 'the Kyverno policy'],
  ])('reads the corrected cause from %j', (text, cause) => {
    expect(correctionFromReply(text)).toBe(cause);
  });

  it.each(['is it wrong to restart it?', 'what was it?', 'wrong', 'thanks, that was it'])(
    'leaves %j alone (a question or a remark, not a correction)',
    (text) => {
      expect(correctionFromReply(text)).toBeUndefined();
    },
  );
});
