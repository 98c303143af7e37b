import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A signed-in reader: who, and the teams whose RCAs they may read. */
export interface Reader {
  id: string;
  name: string;
  teams: string[];
}

const SESSION_HOURS = 8;

/** Signs and checks small JSON payloads carried in cookies (HMAC-SHA256, with an expiry). */
export function createSigner(secret: string, now: () => number = Date.now) {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  return {
    sign(payload: object, ttlSeconds = SESSION_HOURS * 3600): string {
      const data = Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(now() / 1000) + ttlSeconds })).toString(
        'base64url',
      );
      return `${data}.${mac(data)}`;
    },
    /** The payload, or undefined when the value is forged, malformed or expired. */
    verify<T>(value: string | undefined): T | undefined {
      if (!value) return undefined;
      const [data = '', signature = ''] = value.split('.');
      const expected = Buffer.from(mac(data));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      try {
        const payload = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as T & { exp?: number };
        return typeof payload.exp === 'number' && payload.exp * 1000 > now() ? payload : undefined;
      } catch {
        return undefined;
      }
    },
    /** A CSRF token bound to the session id. */
    csrf(sessionId: string): string {
      return mac(`csrf:${sessionId}`);
    },
  };
}

export type Signer = ReturnType<typeof createSigner>;

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}
