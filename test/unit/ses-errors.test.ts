/**
 * Telling SES's failures apart (shared/adapters/ses/client.ts `classifySesError`): what may be
 * retried, what stops the mailing, what fails its rows, and what must never be sent again.
 */
import { describe, expect, it } from 'vitest';
import {
  classifySesError,
  SesOutcomeUnknown,
  SesRejected,
  SesRetryLater,
  SesSendingStopped,
} from '#shared/adapters/ses/client.ts';

const sdkError = (name: string, message: string, status?: number, code?: string) =>
  Object.assign(new Error(message), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...(code ? { code } : {}),
  });

describe('an SES failure', () => {
  it.each([
    ['throttled', sdkError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429), SesRetryLater],
    ['throttled (v1 name)', sdkError('ThrottlingException', 'Rate exceeded', 400), SesRetryLater],
    ['a 5xx', sdkError('InternalFailure', 'oops', 500), SesRetryLater],
    [
      'refused connection',
      sdkError('Error', 'connect ECONNREFUSED', undefined, 'ECONNREFUSED'),
      SesRetryLater,
    ],
    [
      'no connection within the timeout',
      sdkError(
        'TimeoutError',
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.',
      ),
      SesRetryLater,
    ],
    [
      'daily quota',
      sdkError('TooManyRequestsException', 'Daily message quota exceeded.', 429),
      SesSendingStopped,
    ],
    ['sending paused', sdkError('SendingPausedException', 'paused', 400), SesSendingStopped],
    ['account suspended', sdkError('AccountSuspendedException', 'suspended', 400), SesSendingStopped],
    ['MAIL FROM not verified', sdkError('MailFromDomainNotVerifiedException', 'x', 400), SesSendingStopped],
    ['message rejected', sdkError('MessageRejected', 'Email address is not verified.', 400), SesRejected],
    ['a bad request', sdkError('BadRequestException', 'x', 400), SesRejected],
    [
      'a request timeout (it may have arrived)',
      sdkError('TimeoutError', 'a request has exceeded the configured 10000 ms requestTimeout.'),
      SesOutcomeUnknown,
    ],
    ['a reset connection', sdkError('Error', 'socket hang up', undefined, 'ECONNRESET'), SesOutcomeUnknown],
  ])('%s → %s', (_name, error, expected) => {
    expect(classifySesError(error)).toBeInstanceOf(expected);
  });

  it.each([
    ['Daily message quota exceeded.', 'daily_quota'],
    ['sending paused', 'sending_paused'],
  ])('says why SES stopped: %s', (message, code) => {
    const name = code === 'daily_quota' ? 'TooManyRequestsException' : 'SendingPausedException';
    expect(classifySesError(sdkError(name, message, 400))).toMatchObject({ code, sesError: name });
  });
});
