/**
 * How a send to SES failed, as the SES client (client.ts) tells its failures apart. Its own module,
 * free of the SDK, so the HTTP error table can map them without bundling SES into every function.
 */

/** Why SES stopped taking mail from this account: the mailing is paused until someone resumes it. */
export type SendingStopCode = 'daily_quota' | 'sending_paused' | 'account_suspended' | 'configuration';

/** SES accepted nothing and will take the same call later: throttling, a 5xx, no connection. */
export class SesRetryLater extends Error {
  readonly sesError: string;
  constructor(sesError: string) {
    super(`SES asks to retry later: ${sesError}`);
    this.name = 'SesRetryLater';
    this.sesError = sesError;
  }
}

/** SES accepted nothing and takes nothing more from this account until a person acts. */
export class SesSendingStopped extends Error {
  readonly code: SendingStopCode;
  readonly sesError: string;
  constructor(code: SendingStopCode, sesError: string) {
    super(`SES stopped taking mail: ${code} (${sesError})`);
    this.name = 'SesSendingStopped';
    this.code = code;
    this.sesError = sesError;
  }
}

/** SES refused this call for good (its content, its addresses): its messages fail. */
export class SesRejected extends Error {
  readonly sesError: string;
  constructor(sesError: string) {
    super(`SES rejected the call: ${sesError}`);
    this.name = 'SesRejected';
    this.sesError = sesError;
  }
}

/** The call may have reached SES and its answer was lost (a timeout, a reset): never resend it. */
export class SesOutcomeUnknown extends Error {
  readonly sesError: string;
  constructor(sesError: string) {
    super(`SES's answer was lost: ${sesError}`);
    this.name = 'SesOutcomeUnknown';
    this.sesError = sesError;
  }
}
