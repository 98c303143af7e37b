import { resolve } from 'node:path';
import { WebClient } from '@slack/web-api';
import { loadAlertRoutes } from '../../alerts/alert-routes.js';
import { alertsConfigSchema } from '../../alerts/config.js';
import { checkEnv, type Env } from '../../config/parse-env.js';
import { errorMessage } from '../../errors.js';
import { slackErrorCode } from '../../slack/slack-api-error.js';
import { CheckFailed, withTimeout, type DoctorCheck } from './doctor-check.js';

/** Slack refused the bot token itself: the slack line is red already, so this one skips. */
class SlackRefused extends Error {}

const SLACK_AUTH_ERRORS = new Set(['not_authed', 'invalid_auth', 'token_revoked', 'account_inactive']);
const FILE_FIX = 'Correct SRE_BOT_ALERT_ROUTES_FILE (see deploy/alert-routes.example.yaml).';

/** Each route channel exists for the bot token and has the bot in it; returns the line's detail. */
async function channelsCheck(env: Env, cwd: string, timeoutMs: number): Promise<string> {
  const own = checkEnv(alertsConfigSchema, env);
  if (!own.isValid) throw new CheckFailed(own.problems.join('; '), 'Set or correct the alert variables named above.');
  const routes = loadAlertRoutes(resolve(cwd, env.SRE_BOT_ALERT_ROUTES_FILE ?? ''));
  const channels = [
    ...new Set([
      ...routes.routes.map((route) => route.channel),
      ...(routes.fallbackChannel ? [routes.fallbackChannel] : []),
    ]),
  ];
  const client = new WebClient(env.SLACK_BOT_TOKEN, {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    retryConfig: { retries: 0 },
  });
  const slackFix = 'Check that Slack answers from here (the slack line).';
  for (const channel of channels) {
    const info = await withTimeout(
      'Slack conversations.info',
      timeoutMs,
      client.conversations.info({ channel }),
      slackFix,
    ).catch((error: unknown) => {
      if (error instanceof CheckFailed) throw error;
      const code = slackErrorCode(error);
      if (code && SLACK_AUTH_ERRORS.has(code)) throw new SlackRefused(code);
      if (code === 'channel_not_found')
        throw new CheckFailed(`route channel ${channel} does not exist for this bot`, FILE_FIX);
      throw new CheckFailed(`Slack refused conversations.info for ${channel}: ${errorMessage(error)}`, slackFix);
    });
    const name = info.channel?.name ?? channel;
    if (info.channel?.is_member === false)
      throw new CheckFailed(
        `the bot is not in #${name}, which alerts route to`,
        `Invite the bot there (/invite @sre-bot in #${name}).`,
      );
  }
  const limit = routes.storm.maxInvestigationsPerMinute;
  return `${routes.routes.length} routes, ${channels.length} channels the bot is in, storm limit ${limit}/min`;
}

/**
 * The alerts role: its variables parse (a way to authenticate senders), the routes file loads,
 * and every channel it routes to exists for the bot token with the bot in it, so an alert is
 * never routed where the answer cannot be posted. Without SRE_BOT_ALERT_ROUTES_FILE, or while
 * Slack refuses the token (the slack line says so), a skip.
 */
export async function alertsCheck(env: Env, cwd: string, timeoutMs: number): Promise<DoctorCheck> {
  if (!env.SRE_BOT_ALERT_ROUTES_FILE)
    return {
      name: 'alerts',
      status: 'skip',
      detail: 'SRE_BOT_ALERT_ROUTES_FILE is not set: the alert receiver is not configured here',
      fix: 'Set it (and an Alertmanager or PagerDuty credential) where `sre-bot alerts` runs.',
    };
  try {
    return { name: 'alerts', status: 'ok', detail: await channelsCheck(env, cwd, timeoutMs) };
  } catch (error) {
    if (error instanceof SlackRefused)
      return {
        name: 'alerts',
        status: 'skip',
        detail: 'not checked: Slack refused the bot token',
        fix: 'Fix the slack line.',
      };
    const fix = error instanceof CheckFailed ? error.fix : FILE_FIX;
    return { name: 'alerts', status: 'fail', detail: errorMessage(error), fix };
  }
}
