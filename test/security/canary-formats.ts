/**
 * The canary secrets of the security suite: one entry per secret format, each planted where such
 * a secret turns up in real estates (a pod log, an event, a ConfigMap, a Secret, an annotation, a
 * Deployment's env, a commit message, the question itself). `secret` is what must reach no sink;
 * `marker` is harmless text planted next to it, which must reach the model (proof the plant was
 * read, so a missing leak is not a missing plant).
 */
export type CanaryPlace = 'log' | 'event' | 'configmap' | 'secret' | 'annotation' | 'env' | 'commit' | 'question';

export interface CanaryFormat {
  id: string;
  /** The format in words, as the table in docs/security.md lists it. */
  format: string;
  place: CanaryPlace;
  secret: string;
  /** The text planted: a log line, event message, ConfigMap line, commit subject, question fragment. */
  text: string;
  /** ConfigMap or Secret key, annotation key, env name (places that are maps). */
  key?: string;
  marker: string;
  /**
   * The same value repeated later without its key (issue 19): an event in another namespace,
   * read by a later model step, after the structured place has been read.
   */
  bare?: { text: string; marker: string };
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

function canary(
  id: string,
  format: string,
  place: CanaryPlace,
  secret: string,
  line: (secret: string, marker: string) => string,
  key?: string,
): CanaryFormat {
  const marker = `canary-${id}`;
  return { id, format, place, secret, text: line(secret, marker), marker, ...(key ? { key } : {}) };
}

/**
 * A value whose only tell is where it first stood (an env entry, a Secret's data), repeated
 * later bare in an event (`spelling`: as is, or base64). `secret` is what must reach no sink:
 * the value, or its base64 when that is what the event repeats.
 */
function learned(
  id: string,
  format: string,
  place: 'env' | 'secret',
  value: string,
  key: string,
  spelling: 'plain' | 'base64',
  line: (repeated: string, marker: string) => string,
): CanaryFormat {
  const marker = `canary-${id}`;
  const repeated = spelling === 'base64' ? b64(value) : value;
  return {
    id,
    format,
    place,
    secret: repeated,
    text: value,
    key,
    marker,
    bare: { text: line(repeated, `${marker}-bare`), marker: `${marker}-bare` },
  };
}

const CANARY_PRIVATE_KEY =
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAcanaryRsaKeyBodyQ7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS\n-----END ' +
  'RSA PRIVATE KEY-----';

export const CANARY_FORMATS: readonly CanaryFormat[] = [
  canary(
    'slack-bot',
    'Slack bot token',
    'log',
    'xoxb-2748103945-2748103945123-Zq8LmN3pR5tV7wX9yA1bC3dE',
    (s, m) => `${m} slack client token=${s}`,
  ),
  canary(
    'slack-user',
    'Slack user token',
    'event',
    'xoxp-3859214056-3859214056234-Ar9MnO4qS6uW8xY0zB2cD4eF',
    (s, m) => `${m} notifier using ${s} was revoked`,
  ),
  canary(
    'slack-webhook',
    'Slack webhook URL',
    'configmap',
    'https://hooks.slack.com/services/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',
    (s, m) => `# ${m}\nalerts.url=${s}`,
    'alerting.properties',
  ),
  canary(
    'github-pat',
    'GitHub personal access token',
    'commit',
    'ghp_Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4c',
    (s, m) => `${m}: ci uses ${s} for releases`,
  ),
  canary(
    'github-fine',
    'GitHub fine-grained token',
    'log',
    'github_pat_11ABCDEFG0Q7xW2mZ9vL4k_P8nR3tY6bC1dF5gH0jS2aB4cD6eF8gH0jK2lM4nO6pQ8rS0tU2vW4xY6zA8',
    (s, m) => `${m} cloning with ${s}`,
  ),
  canary(
    'github-oauth',
    'GitHub OAuth token',
    'annotation',
    'gho_R8yX3nA0wM5lQ9oS4uZ7cD2eG6hI1kT3bC5d',
    (s) => s,
    'example.com/deploy-note',
  ),
  canary(
    'aws-key-id',
    'AWS access key id',
    'log',
    'AKIAQ7XW2MZ9VL4KP8NR',
    (s, m) => `${m} aws s3 cp failed for key ${s}`,
  ),
  canary(
    'aws-secret',
    'AWS secret access key',
    'configmap',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzCanaryKey1',
    (s, m) => `[default] # ${m}\naws_secret_access_key = ${s}`,
    'aws-credentials',
  ),
  canary(
    'gcp-key',
    'GCP service-account key JSON',
    'secret',
    'canaryGcpKeyMIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    (s, m) =>
      `{"type":"service_account","project_id":"${m}","private_key":"-----BEGIN PRIVATE KEY-----\\n` +
      `${s}\\n-----END PRIVATE KEY-----\\n"}`,
    'key.json',
  ),
  canary(
    'rsa-key',
    'PEM private key',
    'configmap',
    'MIIEpQIBAAKCAQEAcanaryRsaKeyBodyQ7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS',
    (_s, m) => `# ${m}\n${CANARY_PRIVATE_KEY}`,
    'tls.pem',
  ),
  canary(
    'openssh-key',
    'OpenSSH private key',
    'log',
    'b3BlbnNzaC1rZXktdjEAAAAACanarySshKeyQ7xW2mZ9vL4',
    (s, m) => `${m} -----BEGIN OPENSSH PRIVATE KEY----- ${s} -----END OPENSSH PRIVATE KEY-----`,
  ),
  canary(
    'npm-token',
    'npm token in .npmrc',
    'configmap',
    'npm_Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4c',
    (s, m) => `# ${m}\n//registry.npmjs.org/:_authToken=${s}`,
    '.npmrc',
  ),
  canary(
    'sendgrid',
    'SendGrid API key',
    'env',
    'SG.Q7xW2mZ9vL4kP8nR3tY6bC.1dF5gH0jS2aB4cD6eF8gH0jK2lM4nO6pQ8rS0tU2vW',
    (s) => s,
    'MAIL_RELAY',
  ),
  canary(
    'shopify',
    'Shopify access token',
    'log',
    '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',
    (s, m) => `${m} shop sync with ${s}`,
  ),
  canary(
    'openai',
    'OpenAI project key',
    'env',
    'sk-proj-Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4cD6eF8gH0jK2lM4nT3BlbkFJ',
    (s) => s,
    'LLM_BACKEND',
  ),
  canary(
    'anthropic',
    'Anthropic API key',
    'question',
    'sk-ant-api03-Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4cD6eF8gH0jK2lM4nO6pQ8rS0tU2vW4xY6zA8bC0dE2fG4hI6jK8lM0n-QAAAAAAA',
    (s, m) => `${m} (my key is ${s})`,
  ),
  canary(
    'linear',
    'Linear API key',
    'log',
    'lin_api_Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4cD6eF',
    (s, m) => `${m} ticket sync ${s}`,
  ),
  canary(
    'postgres-url',
    'PostgreSQL URL with password',
    'log',
    'Pg-Canary-91x7',
    (s, m) => `${m} dial postgres://payments:${s}@payments-db:5432/payments`,
  ),
  canary(
    'mongodb-url',
    'MongoDB SRV URL with password',
    'configmap',
    'Mongo-Canary-44q',
    (s, m) => `# ${m}\nmongo.uri=mongodb+srv://app:${s}@cluster0.example.net/app`,
    'mongo.properties',
  ),
  canary(
    'redis-url',
    'Redis URL with password',
    'env',
    'Redis-Canary-55w',
    (s) => `redis://:${s}@redis:6379/0`,
    'CACHE_URL',
  ),
  canary(
    'git-url',
    'git URL with credentials',
    'commit',
    'Url-Canary-66e',
    (s, m) => `${m}: mirror to https://deploy:${s}@git.example.com/platform/gitops.git`,
  ),
  canary(
    'stripe-live',
    'Stripe live secret key (sk_live_)',
    'env',
    'sk_live_51Q7xW2mZ9vL4kP8nR3tY6bC1dF',
    (s) => s,
    'PSP_CLIENT',
  ),
  canary(
    'stripe-restricted',
    'Stripe restricted key (rk_live_)',
    'configmap',
    'rk_live_51R8yX3nA0wM5lQ9oS4uZ7cD2eG',
    (s, m) => `# ${m}\npsp.reporting=${s}`,
    'psp.properties',
  ),
  canary(
    'google-api',
    'Google API key (AIza…)',
    'annotation',
    'AIzaSyQ7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2a',
    (s) => s,
    'example.com/maps',
  ),
  canary(
    'azure-account-key',
    'Azure storage AccountKey',
    'configmap',
    'Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4cD6eF8gH0jK2lM4nO6pQ8rS0tU2vW4xY6zA8bC0dE2fG4h==',
    (s, m) =>
      `# ${m}\nDefaultEndpointsProtocol=https;AccountName=shopblobs;AccountKey=${s};EndpointSuffix=core.windows.net`,
    'storage.conn',
  ),
  canary(
    'azure-sas',
    'Azure SAS signature',
    'log',
    'Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS%3D',
    (s, m) => `${m} GET https://shopblobs.blob.core.windows.net/x?sv=2022-11-02&sp=r&sig=${s}`,
  ),
  canary(
    'jwt',
    'JWT (service-account token)',
    'log',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnktand0In0.Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS',
    (s, m) => `${m} token review for ${s}`,
  ),
  canary(
    'bearer',
    'Authorization: Bearer header',
    'log',
    'Q7xW2mZ9vL4kP8nR3tY6bC1dF5',
    (s, m) => `${m} upstream call Authorization: Bearer ${s}`,
  ),
  canary(
    'basic-header',
    'Authorization: Basic header',
    'log',
    b64('svc-canary:Basic-Pw-4411'),
    (s, m) => `${m} sent Authorization: Basic ${s}`,
  ),
  canary(
    'basic-b64',
    'base64 user:password, bare',
    'event',
    b64('registry-bot:CanaryPw-7720'),
    (s, m) => `${m} pull credential ${s} rejected by registry`,
  ),
  canary(
    'flag-password',
    '--password flag',
    'event',
    'Flag-Canary-8831',
    (s, m) => `${m} job ran: migrate --user app --password ${s} --host db`,
  ),
  canary('flag-token', '--token= flag', 'log', 'Tok-Canary-2290x', (s, m) => `${m} exec: vault login --token=${s}`),
  canary(
    'pgpassword',
    'PGPASSWORD assignment',
    'log',
    'Pgpw-Canary-3307',
    (s, m) => `${m} running PGPASSWORD=${s} psql -h db`,
  ),
  canary(
    'mysql-pwd',
    'MYSQL_PWD assignment',
    'configmap',
    'My-Canary-4418',
    (s, m) => `# ${m}\nexport MYSQL_PWD=${s}`,
    'backup.sh',
  ),
  canary(
    'password-prose',
    '"password x" in an event',
    'event',
    'Hunter-Canary-77',
    (s, m) => `${m} login failed with password ${s} for user app`,
  ),
  canary(
    'password-is',
    '"password is x" in a log',
    'log',
    'Is-Canary-5529',
    (s, m) => `${m} debug: the admin password is ${s}`,
  ),
  canary(
    'env-db-password',
    'env DB_PASSWORD (name: / value: lines)',
    'env',
    'Env-Canary-Db-6630',
    (s) => s,
    'DB_PASSWORD',
  ),
  canary('env-api-key', 'env API_KEY (name: / value: lines)', 'env', 'Env-Canary-Api-7741', (s) => s, 'API_KEY'),
  canary(
    'env-client-secret',
    'env OAUTH_CLIENT_SECRET',
    'env',
    'Env-Canary-Oauth-8852',
    (s) => s,
    'OAUTH_CLIENT_SECRET',
  ),
  canary(
    'annotation-token',
    'secret-named annotation',
    'annotation',
    'Ann-Canary-9963',
    (s) => s,
    'example.com/api-token',
  ),
  canary('secret-data', 'Secret data (base64)', 'secret', b64('Secret-Data-Canary-1074'), (s) => s, 'password'),
  canary('secret-string', 'Secret stringData', 'secret', 'Secret-String-Canary-2185', (s) => s, 'db-url'),
  canary('configmap-key', 'ConfigMap key SMTP_PASSWORD', 'configmap', 'Smtp-Canary-3296', (s) => s, 'SMTP_PASSWORD'),
  canary(
    'properties-line',
    'ConfigMap properties line db.password=',
    'configmap',
    'Props-Canary-4307',
    (s, m) => `# ${m}\ndb.user=app\ndb.password=${s}`,
    'app.properties',
  ),
  canary(
    'json-apikey',
    'ConfigMap JSON "apiKey"',
    'configmap',
    'Json-Canary-5418',
    (s, m) => `{"client":"${m}","apiKey":"${s}"}`,
    'client.json',
  ),
  canary(
    'question-token',
    'token pasted into the question',
    'question',
    'xoxb-6529314067-6529314067345-Qs0NpO5rT7vX9zA1bC3dE5fG',
    (s, m) => `${m} (it logs ${s})`,
  ),
  canary(
    'gitlab',
    'GitLab personal token',
    'commit',
    'glpat-Q7xW2mZ9vL4kP8nR3tY6',
    (s, m) => `${m}: ci pushes with ${s}`,
  ),
  canary(
    'vault',
    'Vault service token',
    'log',
    'hvs.CAESIQ7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4c',
    (s, m) => `${m} VAULT_TOKEN ${s}`,
  ),
  canary(
    'huggingface',
    'Hugging Face token',
    'configmap',
    'hf_Q7xWmZvLkPnRtYbCdFgHjSaBcDeFgHjKlM',
    (s, m) => `# ${m}\nhub.token=${s}`,
    'hub.properties',
  ),
  canary(
    'signing-key',
    'opaque key after a suspicious word',
    'log',
    'Zk2mQ7vX4pL8nR3tW6yB1cD5gH0jS2s',
    (s, m) => `${m} webhook signing key loaded: ${s}`,
  ),
  canary(
    'opaque-48',
    'long opaque high-entropy string',
    'event',
    'Q7xW2mZ9vL4kP8nR3tY6bC1dF5gH0jS2aB4cD6eF8gH0jK2l',
    (s, m) => `${m} cache seeded from ${s}`,
  ),
  learned(
    'learned-env-bare',
    'env value repeated bare in a later event',
    'env',
    'Sess-Learned-Canary-1196',
    'SESSION_SECRET',
    'plain',
    (v, m) => `${m} upstream rejected ${v} for user app`,
  ),
  learned(
    'learned-env-base64',
    'env value repeated as base64 in a later event',
    'env',
    'Hook-Learned-Canary-3318',
    'WEBHOOK_SIGNING_KEY',
    'base64',
    (v, m) => `${m} replayed payload ${v}`,
  ),
  learned(
    'learned-secret-bare',
    'Secret data repeated decoded in a later event',
    'secret',
    'Admin-Learned-Canary-2207',
    'admin-password',
    'plain',
    (v, m) => `${m} admin login with ${v} was refused`,
  ),
];
