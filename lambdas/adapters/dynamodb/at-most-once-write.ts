/**
 * A DynamoDB write the SDK must not repeat blindly. The SDK retries a 5xx answer, a timeout or a
 * dropped connection, but such a request "may or may not have succeeded"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.MessagesAndCodes):
 * repeating a non-idempotent update (an `ADD`) after one that was applied applies it twice. This
 * turns those answers into an {@link AmbiguousWriteError} inside the SDK's retry loop, which it does
 * not retry; a 4xx answer (throttling included) was not applied and is retried as usual.
 */
import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';

/**
 * The write may or may not have been applied: DynamoDB answered 5xx, or no answer came. The SDK's
 * answer is kept in `answer`, not `cause`: the SDK's retry classification follows `cause` and would
 * retry it after all.
 */
export class AmbiguousWriteError extends Error {
  constructor(
    what: string,
    readonly answer: unknown,
  ) {
    super(
      `${what}: DynamoDB gave no answer that says whether it was applied (${(answer as Error)?.name ?? String(answer)}: ${(answer as Error)?.message ?? ''})`,
    );
    this.name = 'AmbiguousWriteError';
  }
}

/** True when an error is an answer that says the request was refused (4xx), so it did not apply. */
function refused(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * Makes `command` sent at most once past an ambiguous answer: the SDK still retries refusals (throttling),
 * never a request that may have been applied ({@link AmbiguousWriteError} reaches the caller instead).
 * @example const add = new UpdateCommand({ ... UpdateExpression: 'ADD n :one' }); atMostOnce(add, 'count the append'); await client.send(add);
 */
export function atMostOnce<I extends object, O extends object>(
  command: { readonly middlewareStack: MiddlewareStack<I, O> },
  what: string,
): void {
  const rethrowAmbiguous: FinalizeRequestMiddleware<I, O> = (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (refused(error)) throw error;
      throw new AmbiguousWriteError(what, error);
    }
  };
  command.middlewareStack.addRelativeTo(
    rethrowAmbiguous,
    // After the retry middleware: inside its loop, so it sees the error this wraps instead.
    {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'paramedicAtMostOnce',
      // The document client resolves its command's stack into the low-level command's: the same entry, twice.
      override: true,
    },
  );
}
