/**
 * Found by review (the defect, now fixed): a composite's child named by ARN in an account the hub cannot read is recorded unresolved
 * with the thrown error's raw `message` (composite-alarm.ts), not through the one error wording
 * (errorWording.line: one bounded line with the HTTP status and request id). A multi-line or
 * oversized message (a proxy's HTML error page, a stack of causes) goes into the trail as is.
 */
import { describe, expect, it } from 'vitest';
import { awsErrorWording } from '../../../lambdas/adapters/aws-sdk/aws-error-message.js';
import { compositeDimensions } from '../../../lambdas/core/workflow/composite-alarm.js';

describe('an unreadable child alarm in another account', () => {
  it('is recorded on one bounded line', async () => {
    const alarms = {
      readAlarm: async (_name: string, location?: { account: string }) => {
        if (location?.account === '222222222222')
          throw Object.assign(new Error(`<html>\n<body>${'x'.repeat(5000)}</body>\n</html>`), {
            name: 'UnknownError',
          });
        return undefined;
      },
      changesToAlarm: async () => [],
    };
    const out = await compositeDimensions(
      'ALARM(arn:aws:cloudwatch:eu-west-1:222222222222:alarm:cpu-high)',
      alarms,
      awsErrorWording,
      { account: '111111111111', region: 'eu-west-1' },
    );
    const reason = out.unresolved[0]!.reason;
    expect(reason).not.toMatch(/\n/);
    expect(reason.length).toBeLessThan(1000);
  });
});
