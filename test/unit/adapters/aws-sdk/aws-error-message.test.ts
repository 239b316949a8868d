/**
 * The one wording of a failure for the operator: an SDK service error with its HTTP status and
 * request id, a plain Error, a thrown non-Error, and hostile messages (newlines, control
 * characters, megabytes) that must come out as one bounded line in linear time.
 */
import { ThrottlingException } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import {
  MAX_MESSAGE_CHARS,
  awsErrorMessage,
  awsErrorParts,
} from '../../../../lambdas/adapters/aws-sdk/aws-error-message.js';

function throttled(): ThrottlingException {
  return new ThrottlingException({
    message: 'Rate exceeded',
    Message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400, requestId: '7c1e2d3f-0000-4000-8000-000000000001' },
  });
}

describe('awsErrorMessage', () => {
  it('names an SDK service error with its HTTP status and request id', () => {
    expect(awsErrorMessage(throttled())).toBe(
      'ThrottlingException: Rate exceeded (HTTP 400, request id 7c1e2d3f-0000-4000-8000-000000000001)',
    );
    expect(awsErrorParts(throttled())).toEqual({
      name: 'ThrottlingException',
      message: 'Rate exceeded (HTTP 400, request id 7c1e2d3f-0000-4000-8000-000000000001)',
    });
  });

  it('gives a status alone when the SDK has no request id, and says when there is no message', () => {
    const e = Object.assign(new Error(''), {
      name: 'UnknownError',
      $metadata: { httpStatusCode: 503 },
    });
    expect(awsErrorMessage(e)).toBe('UnknownError: no message (HTTP 503)');
  });

  it('words a plain Error as Name: message', () => {
    const e = new Error('Throughput exceeds the current capacity of your table');
    e.name = 'ProvisionedThroughputExceededException';
    expect(awsErrorMessage(e)).toBe(
      'ProvisionedThroughputExceededException: Throughput exceeds the current capacity of your table',
    );
  });

  it('words a thrown non-Error by its text', () => {
    expect(awsErrorMessage('socket hang up')).toBe('Error: socket hang up');
    expect(awsErrorMessage(undefined)).toBe('Error: undefined');
    expect(awsErrorMessage(42)).toBe('Error: 42');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(awsErrorMessage(hostile)).toBe('Error: a thrown object');
  });

  it('keeps newlines and control characters off the line', () => {
    const e = new Error('first line\r\nsecond\tline\u0000\u001b[31mred\u0085\u2028end  ');
    e.name = 'Bad\nName';
    expect(awsErrorMessage(e)).toBe('Bad Name: first line second line [31mred end');
    expect(awsErrorMessage(e)).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });

  it('cuts a long message to a bound, keeping the status and request id', () => {
    const e = throttled();
    e.message = 'x'.repeat(5_000);
    const { message } = awsErrorParts(e);
    expect(message).toMatch(/^x+… \(HTTP 400, request id 7c1e2d3f-0000-4000-8000-000000000001\)$/);
    expect(message.indexOf(' (HTTP')).toBe(MAX_MESSAGE_CHARS);
  });

  it('never cuts a surrogate pair in half', () => {
    const e = new Error(`${'x'.repeat(MAX_MESSAGE_CHARS - 2)}😀😀😀`);
    const { message } = awsErrorParts(e);
    expect(message.endsWith('…')).toBe(true);
    expect(message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('reads only a bounded prefix: a huge message of line breaks costs what a short one does', () => {
    // One pass over all 10 M characters takes ~17 ms here; twenty would take ~340 ms.
    const huge = new Error('\n '.repeat(5_000_000));
    const start = performance.now();
    for (let i = 0; i < 20; i++) awsErrorMessage(huge);
    expect(performance.now() - start).toBeLessThan(50);
    expect(awsErrorMessage(huge)).toBe('Error: no message');
  });
});
