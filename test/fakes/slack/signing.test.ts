import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkSlackSignature,
  computeSlackSignature,
  signedHeaders,
  slackFormEncode,
  slashCommandFields,
} from './index.js';

/** The two vectors of test/fixtures/slack/signing/test-vectors.json, spelled out so a reader sees them. */
const SECRET = '8f7c3b2a1d0e9f8a7b6c5d4e3f2a1b0c';
const TIMESTAMP = 1730000001;
const EVENT_BODY =
  '{"token":"vErIfIcAtIoNtOkEn0000001","team_id":"T0TEAM00001","context_team_id":"T0TEAM00001",' +
  '"context_enterprise_id":null,"api_app_id":"A0APP000001","event":{"user":"U0HUMAN0001","type":"app_mention",' +
  '"ts":"1730000000.000100","client_msg_id":"5f8d2c1e-6b7a-4e3f-9a0b-1c2d3e4f5a6b","text":"<@U0BOT000001> ' +
  'why is checkout-api ' +
  ('crashlooping?","team":"T0TEAM00001","blocks":[{"type":"rich_text","block_id":"kT3vQ",' +
    '"elements":[{"type":"rich_text_section","elements":[{"type":"user","user_id":"U0BOT000001"},{"type":"text",' +
    '"text":" ') +
  'why is checkout-api ' +
  ('crashlooping?"}]}]}],"channel":"C0CHAN00001","event_ts":"1730000000.000100"},"type":"event_callback",' +
    '"event_id":"Ev0MENTION01","event_time":1730000000,"authorizations":[{"enterprise_id":null,' +
    '"team_id":"T0TEAM00001","user_id":"U0BOT000001","is_bot":true,"is_enterprise_install":false}],' +
    '"is_ext_shared_channel":false,' +
    '"event_context":"4-eyJldCI6ImFwcF9tZW50aW9uIiwidGlkIjoiVDBURUFNMDAwMDEiLCJhaWQiOiJBMEFQUDAwMDAwMSIs' +
    'ImNpZCI6IkMwQ0hBTjAwMDAxIn0="}');
const EVENT_SIGNATURE = 'v0=cfdeebef2d398d46aaf8de5d83c4138e7526c8c8eb1523836e9d582ad92535d8';
const SLASH_BODY =
  'token=vErIfIcAtIoNtOkEn0000001&team_id=T0TEAM00001&team_domain=example-sre&channel_id=C0CHAN00001&' +
  'channel_name=incidents&user_id=U0HUMAN0001&user_name=alice&command=%2Fsre&text=status+checkout-api&' +
  'api_app_id=A0APP000001&is_enterprise_install=false&' +
  'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0TEAM00001%2F7912345679201%2FaB3dE5fG7hJ9kL1mN3pQ5rS7&' +
  'trigger_id=7912345679201.1234567890123.0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const SLASH_SIGNATURE = 'v0=19da4dcbf5ce8a6cff5231bf8e04d5595e22883551412699810b5cf0b79c1377';

const SPECS = fileURLToPath(new URL('../../fixtures/slack/', import.meta.url));

describe('Slack request signing', () => {
  it('reproduces the signing test vectors', () => {
    expect(computeSlackSignature(SECRET, TIMESTAMP, EVENT_BODY)).toBe(EVENT_SIGNATURE);
    expect(computeSlackSignature(SECRET, String(TIMESTAMP), SLASH_BODY)).toBe(SLASH_SIGNATURE);
    expect(
      signedHeaders(SLASH_BODY, 'application/x-www-form-urlencoded', {
        signingSecret: SECRET,
        timestampSeconds: TIMESTAMP,
      }),
    ).toMatchObject({
      'x-slack-request-timestamp': String(TIMESTAMP),
      'x-slack-signature': SLASH_SIGNATURE,
    });
  });

  it('encodes slash-command fields byte for byte like Slack', () => {
    const fields = slashCommandFields({
      responseUrl: 'https://hooks.slack.com/commands/T0TEAM00001/7912345679201/aB3dE5fG7hJ9kL1mN3pQ5rS7',
      triggerId: '7912345679201.1234567890123.0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    });
    expect(slackFormEncode(fields)).toBe(SLASH_BODY);
  });

  it('refuses bad signatures and stale timestamps, and honours retry headers', () => {
    const base = {
      signingSecret: SECRET,
      timestampHeader: String(TIMESTAMP),
      body: EVENT_BODY,
      nowSeconds: TIMESTAMP + 10,
    };
    expect(checkSlackSignature({ ...base, signatureHeader: EVENT_SIGNATURE })).toBeUndefined();
    expect(checkSlackSignature({ ...base, signatureHeader: EVENT_SIGNATURE.replace('c', 'd') })).toBe('bad_signature');
    expect(checkSlackSignature({ ...base, signatureHeader: EVENT_SIGNATURE, nowSeconds: TIMESTAMP + 301 })).toBe(
      'stale_timestamp',
    );

    const bad = signedHeaders(EVENT_BODY, 'application/json', {
      signingSecret: SECRET,
      timestampSeconds: TIMESTAMP,
      badSignature: true,
      retryNum: 2,
    });
    expect(bad['x-slack-signature']).not.toBe(EVENT_SIGNATURE);
    expect(bad).toMatchObject({ 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    const stale = signedHeaders(EVENT_BODY, 'application/json', {
      signingSecret: SECRET,
      timestampSeconds: TIMESTAMP,
      stale: true,
    });
    expect(Number(stale['x-slack-request-timestamp'])).toBe(TIMESTAMP - 600);
  });

  it('matches every vector and the interactivity form body in test/fixtures', () => {
    const { vectors } = JSON.parse(readFileSync(`${SPECS}signing/test-vectors.json`, 'utf8')) as {
      vectors: { signing_secret: string; body: string; headers: Record<string, string> }[];
    };
    for (const vector of vectors) {
      expect(
        computeSlackSignature(vector.signing_secret, vector.headers['X-Slack-Request-Timestamp'] ?? '', vector.body),
      ).toBe(vector.headers['X-Slack-Signature']);
    }
    const payload: unknown = JSON.parse(readFileSync(`${SPECS}interactivity/block_actions.button.json`, 'utf8'));
    const formBody = readFileSync(`${SPECS}interactivity/block_actions.button.form-body.txt`, 'utf8').trim();
    expect(slackFormEncode({ payload: JSON.stringify(payload) })).toBe(formBody);
  });
});
