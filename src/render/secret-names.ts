/** Names in a stack's .env that code outside the view reads (verify logs in, up pins an id). */

/** Which .env this is: `up` checks that the data volumes were made with it (runtime/env-identity.ts). */
export const STACKGEN_ENV_ID = 'STACKGEN_ENV_ID';

export interface Secret {
  name: string;
  description: string;
  /** A password must satisfy password rules; a token need only be random; an id is a random UUID. */
  kind: 'token' | 'password' | 'id';
  /**
   * Made only together with a new .env. An id that names something already created (SigNoz's
   * organisation) must not be replaced by a new one in an older .env: `stackgen up` reads it instead
   * (the backend's `afterUp`).
   */
  onlyWithNewEnv?: boolean;
}
