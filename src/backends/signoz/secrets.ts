/** What SigNoz keeps in the stack's .env (generated with random values; the organisation's id by `up`). */
import type { Stack } from '../../model/normalize.js';
import type { Secret } from '../../render/secret-names.js';

/** The id of SigNoz's organisation: SigNoz finds it by this id, whatever it is named. */
export const SIGNOZ_ORG_ID = 'SIGNOZ_ORG_ID';

export const SIGNOZ_ORG_ID_DESCRIPTION =
  'ID of the SigNoz organisation, so SigNoz finds it again when signoz.admin.organization is renamed. Never change it once SigNoz has started.';

export function signozSecrets(stack: Stack): Secret[] {
  return [
    { name: 'SIGNOZ_JWT_SECRET', description: 'Signs the tokens of SigNoz sessions.', kind: 'token' },
    {
      name: 'SIGNOZ_ADMIN_PASSWORD',
      description: `Password of the SigNoz admin ${stack.signoz.admin.email}.`,
      kind: 'password',
    },
    { name: SIGNOZ_ORG_ID, description: SIGNOZ_ORG_ID_DESCRIPTION, kind: 'id', onlyWithNewEnv: true },
    ...(stack.signoz.metastore === 'postgres'
      ? [
          {
            name: 'SIGNOZ_POSTGRES_PASSWORD',
            description: "Password of SigNoz's PostgreSQL user.",
            kind: 'token' as const,
          },
        ]
      : []),
  ];
}
