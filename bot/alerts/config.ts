import { z } from 'zod';
import { integerVariable } from '../config/parse-env.js';

/** Variables of the `alerts` role besides the worker's (Slack, gateway, store, queue). */
export const alertsConfigSchema = z
  .object({
    SRE_BOT_ALERT_ROUTES_FILE: z.string().min(1, 'is required: the label rules that route alerts to channels'),
    SRE_BOT_ALERTS_HOST: z.string().min(1).default('127.0.0.1'),
    SRE_BOT_ALERTS_PORT: integerVariable(8095),
    /** Bearer token Alertmanager sends (`http_config.authorization.credentials`). */
    SRE_BOT_ALERTMANAGER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** `user:password` Alertmanager sends as basic auth (`http_config.basic_auth`). */
    SRE_BOT_ALERTMANAGER_BASIC_AUTH: z
      .string()
      .regex(/^[^:]+:.{12,}$/, 'must be user:password (12+ characters)')
      .optional(),
    /** Signing secrets of the PagerDuty v3 webhook subscriptions, comma separated (two while rotating). */
    SRE_BOT_PAGERDUTY_SECRETS: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((secret) => secret.trim())
          .filter(Boolean),
      )
      .optional(),
  })
  .refine(
    (env) =>
      Boolean(
        env.SRE_BOT_ALERTMANAGER_TOKEN || env.SRE_BOT_ALERTMANAGER_BASIC_AUTH || env.SRE_BOT_PAGERDUTY_SECRETS?.length,
      ),
    {
      path: ['SRE_BOT_ALERTMANAGER_TOKEN'],
      message:
        'or SRE_BOT_ALERTMANAGER_BASIC_AUTH or SRE_BOT_PAGERDUTY_SECRETS is required: ' +
        'a receiver nobody can authenticate to',
      when: () => true,
    },
  );

export type AlertsConfig = Readonly<z.output<typeof alertsConfigSchema>>;
