/** The STS client behind spoke credentials, loaded with `import()` by spoke-credentials.ts on the first spoke target (see lazy-port.ts). */
import { STSClient } from '@aws-sdk/client-sts';
import { StsRoleAssumer } from '../../adapters/sts/sts-role-assumer.js';

/** Role assumption through STS in `region` (the function's), with the function's own credentials. */
export function stsRoleAssumer(region: string | undefined): StsRoleAssumer {
  return new StsRoleAssumer(new STSClient(region ? { region } : {}));
}
