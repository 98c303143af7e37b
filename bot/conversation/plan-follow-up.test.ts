import { describe, expect, it } from 'vitest';
import { comparedWithPrevious, focusedEvidence } from '../agent/conversation.js';
import type { Entities } from '../agent/entities.js';
import type { Conversation } from '../store/conversations-repository.js';
import { followUpIntent } from './follow-up.js';
import { pickChoice, planFollowUp } from './plan-follow-up.js';

const CHECKOUT: Entities = {
  app: { name: 'checkout', instance: 'argocd-eu-1', namespace: 'shop', health: 'Degraded', sync: 'Synced' },
  related: [],
  alternatives: [],
  unreachable: [],
};

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    channel: 'C1',
    thread: '1.000',
    kind: 'thread',
    entities: CHECKOUT,
    evidence: [],
    lastInvestigationId: 'inv-1',
    turns: [{ question: 'why is checkout failing in prod?', answer: 'image tag 1.8.3 not found' }],
    updatedAt: new Date(0),
    ...overrides,
  };
}

const reply = (text: string) => ({ text, isAddressed: false });
const mention = (text: string) => ({ text, isAddressed: true });

describe('followUpIntent', () => {
  it.each([
    ['what about staging?', { kind: 'elsewhere', place: 'staging' }],
    ['and in prod-us?', { kind: 'elsewhere', place: 'prod-us' }],
    ['staging?', { kind: 'elsewhere', place: 'staging' }],
    ["show me the previous pod's logs", { kind: 'recheck', focus: 'previous-logs' }],
    ['logs?', { kind: 'recheck', focus: 'logs' }],
    ['events', { kind: 'recheck', focus: 'events' }],
    ['history', { kind: 'recheck', focus: 'history' }],
    ['is it fixed now?', { kind: 'recheck', focus: 'status' }],
    ['propose a fix', { kind: 'fix' }],
    ['can you open a PR for that?', { kind: 'fix' }],
    ['draft the RCA', { kind: 'rca' }],
    ['write the postmortem please', { kind: 'rca' }],
  ])('reads %j as a follow-up', (text, intent) => {
    expect(followUpIntent(text, { isAddressed: false })).toEqual(intent);
  });

  it.each(['thanks!', 'and thanks', 'lunch anyone?', 'ok cool', 'I will ping the payments team about it'])(
    'reads %j as chatter',
    (text) => {
      expect(followUpIntent(text, { isAddressed: false })).toEqual({ kind: 'none' });
    },
  );

  it('ignores long unaddressed sentences that merely contain a follow-up word, but not when addressed', () => {
    const long = 'I looked at the events yesterday with Sam and honestly they did not tell us very much at all';
    expect(followUpIntent(long, { isAddressed: false })).toEqual({ kind: 'none' });
    expect(followUpIntent(long, { isAddressed: true })).toEqual({ kind: 'recheck', focus: 'events' });
  });
});

describe('planFollowUp', () => {
  it('asks the same subject in another environment, resolved again (not pinned)', () => {
    expect(planFollowUp(reply('what about staging?'), conversation())).toEqual({
      kind: 'investigate',
      question: 'checkout: what about staging?',
      isPinned: false,
      trigger: 'follow_up',
    });
    expect(planFollowUp(reply('and in prod-us?'), conversation())).toMatchObject({
      question: 'checkout: and in prod-us?',
      isPinned: false,
    });
  });

  it('re-checks the same subject with fresh evidence, keeping what it resolved to', () => {
    const focuses = [
      ["show me the previous pod's logs", 'previous-logs'],
      ['events', 'events'],
      ['history', 'history'],
      ['is it fixed now?', 'status'],
    ] as const;
    for (const [text, focus] of focuses)
      expect(planFollowUp(reply(text), conversation())).toEqual({
        kind: 'investigate',
        question: `checkout: ${text}`,
        isPinned: true,
        trigger: 'follow_up',
        focus,
      });
  });

  it('starts the fix and RCA flows on the last answered investigation', () => {
    expect(planFollowUp(reply('propose a fix'), conversation())).toEqual({ kind: 'fix', investigationId: 'inv-1' });
    expect(planFollowUp(mention('draft the RCA'), conversation())).toEqual({ kind: 'rca', investigationId: 'inv-1' });
  });

  it('ignores chatter that is not addressed to the bot, and treats a mention as meant for it', () => {
    expect(planFollowUp(reply('thanks, that was it'), conversation())).toEqual({ kind: 'ignore' });
    expect(planFollowUp(mention('why is it slow today?'), conversation())).toEqual({
      kind: 'investigate',
      question: 'checkout: why is it slow today?',
      isPinned: true,
      trigger: 'follow_up',
    });
    expect(planFollowUp(mention('why is payments failing?'), conversation())).toEqual({
      kind: 'investigate',
      question: 'why is payments failing?',
      isPinned: false,
      trigger: 'follow_up',
    });
  });

  it('hands a message in a thread with no conversation back as new', () => {
    expect(planFollowUp(reply('events?'), undefined)).toEqual({ kind: 'new' });
    expect(planFollowUp(mention('why is checkout failing?'), undefined)).toEqual({ kind: 'new' });
  });

  it('answers a pending clarifying question with the choice the reply names, or folds the reply in', () => {
    const pending = conversation({
      turns: [{ question: 'is checkout broken?', answer: 'Which one?' }],
      pendingClarification: {
        question: 'is checkout broken?',
        choices: [
          { label: 'argocd-eu-1/checkout (Degraded, Synced)', question: 'is checkout broken on argocd-eu-1' },
          { label: 'argocd-us-1/checkout (Degraded, Synced)', question: 'is checkout broken on argocd-us-1' },
        ],
      },
    });
    expect(planFollowUp(reply('the us one'), pending)).toEqual({
      kind: 'investigate',
      question: 'is checkout broken on argocd-us-1',
      isPinned: false,
      trigger: 'clarification',
    });
    expect(planFollowUp(reply('second'), pending)).toMatchObject({ question: 'is checkout broken on argocd-us-1' });
    expect(planFollowUp(reply('whichever is worse'), pending)).toMatchObject({
      question: 'is checkout broken? (whichever is worse)',
    });
  });
});

describe('pickChoice', () => {
  it('refuses a reply that matches several choices', () => {
    const pending = {
      question: 'q',
      choices: [
        { label: 'argocd-eu-1/checkout', question: 'a' },
        { label: 'argocd-us-1/checkout', question: 'b' },
      ],
    };
    expect(pickChoice('checkout', pending)).toBeUndefined();
    expect(pickChoice('argocd-eu-1', pending)).toBe('a');
  });
});

describe('a re-check answer', () => {
  const cited = [{ text: 'checkout Degraded', source: 'get_application:argocd-eu-1/app/checkout' }];
  const gathered = [
    { kind: 'event' as const, text: 'Warning Failed: ErrImagePull', source: 'list_events:prod-eu/shop' },
    { kind: 'log' as const, text: 'panic: no config', source: 'get_pod_logs:prod-eu/pod/shop/checkout-1' },
  ];

  it('puts the asked-for lines first, and says when the fresh evidence has none', () => {
    expect(focusedEvidence(cited, gathered, 'events').evidence.map((item) => item.text)).toEqual([
      'Warning Failed: ErrImagePull',
      'checkout Degraded',
    ]);
    expect(focusedEvidence(cited, gathered.slice(0, 1), 'previous-logs')).toEqual({
      evidence: cited,
      missing: 'No log lines turned up in the fresh evidence.',
    });
    expect(focusedEvidence(cited, gathered, 'status')).toEqual({ evidence: cited });
  });

  it('compares the root cause with the previous answer', () => {
    expect(comparedWithPrevious('tag 1.8.3 missing', 'tag 1.8.3 missing')).toContain('the same as in the previous');
    expect(comparedWithPrevious('tag 1.8.3 missing', 'checkout is healthy')).toContain('differs');
    expect(comparedWithPrevious(undefined, 'x')).toBeUndefined();
  });
});
