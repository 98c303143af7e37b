import { randomBytes } from 'node:crypto';

/** A started endpoint: name, URL and the bearer token it checks. */
export interface SandboxEndpoint {
  name: string;
  url: string;
  token: string;
}

/** A fresh random bearer token for one fake API server. */
export function createBearerToken(): string {
  return randomBytes(24).toString('base64url');
}
