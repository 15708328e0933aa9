/** Names in a stack's .env that code outside the view reads (verify logs in, up pins an id). */

/** The id of SigNoz's organisation: SigNoz finds it by this id, whatever it is named. */
export const SIGNOZ_ORG_ID = 'SIGNOZ_ORG_ID';

export const SIGNOZ_ORG_ID_DESCRIPTION =
  'ID of the SigNoz organisation, so SigNoz finds it again when signoz.admin.organization is renamed. Never change it once SigNoz has started.';

/** Which .env this is: `up` checks that the data volumes were made with it (runtime/env-identity.ts). */
export const STACKGEN_ENV_ID = 'STACKGEN_ENV_ID';
