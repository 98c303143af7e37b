/**
 * AWS Signature Version 4 checked the way AWS checks it, written from the specification with
 * node:crypto (independent of the signer the SDK uses): the fake Bedrock recomputes the
 * signature from the request and a known secret and compares.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The credentials the fake accepts. */
export interface FakeAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 escaping, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([key, value]) => `${escape(key)}=${escape(value)}`)
    .sort()
    .join('&');
}

const AUTHORIZATION = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?' +
    'SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$',
);

/** Why the signature is wrong, or undefined when AWS would accept it. */
export function checkSigV4(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: string },
  credentials: FakeAwsCredentials,
  scope: { region: string; service: string },
): string | undefined {
  const match = AUTHORIZATION.exec(header(request.headers, 'authorization'));
  if (!match) return 'missing or malformed SigV4 Authorization header';
  const [, keyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== credentials.accessKeyId) return `unknown access key ${keyId}`;
  if (region !== scope.region || service !== scope.service) return `wrong scope ${region}/${service}`;
  const amzDate = header(request.headers, 'x-amz-date');
  if (!amzDate.startsWith(date ?? '')) return 'x-amz-date does not match the credential scope';
  const url = new URL(request.path, 'http://placeholder');
  const names = (signedHeaders ?? '').split(';');
  if (!names.includes('host')) return 'host is not signed';
  const payloadHash = header(request.headers, 'x-amz-content-sha256') || sha256(request.body);
  const canonical = [
    request.method,
    url.pathname
      .split('/')
      .map((segment) => escape(segment))
      .join('/'),
    canonicalQuery(url.searchParams),
    ...names.map((name) => `${name}:${header(request.headers, name)}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256(canonical)].join('\n');
  const key = ['aws4_request'].reduce(
    (signing, part) => hmac(signing, part),
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date ?? ''), region ?? ''), service ?? ''),
  );
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const actual = Buffer.from(signature ?? '');
  return expected.length === actual.length && timingSafeEqual(expected, actual)
    ? undefined
    : 'signature does not match';
}
