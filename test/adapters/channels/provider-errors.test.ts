import {
  BadRequestException,
  InternalServerErrorException,
  TooManyRequestsException as PinpointTooManyRequests,
} from '@aws-sdk/client-pinpoint';
import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  AccountSuspendedException,
  MessageRejected,
  SESv2ServiceException,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import {
  classifyProviderError,
  type ProviderErrorClass,
} from '../../../functions/adapters/channels/provider-errors.ts';

const answered = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
/** A Node socket error, as the SDK's HTTP handler rejects with it (no HTTP answer, so no status). */
const socketError = (code: string, name = 'Error') =>
  Object.assign(new Error(`${code} 127.0.0.1:443`), { code, name, $metadata: { attempts: 1 } });

const cases: [string, unknown, ProviderErrorClass['kind']][] = [
  ['an SMS throttle', new ThrottlingException({ message: 'Rate exceeded', ...answered(429) }), 'transient'],
  [
    'an SES sending-rate throttle',
    new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...answered(429) }),
    'transient',
  ],
  [
    'a Pinpoint throttle',
    new PinpointTooManyRequests({ message: 'slow down', ...answered(429) }),
    'transient',
  ],
  [
    'an SMS internal error',
    new InternalServerException({ message: 'internal', ...answered(500) }),
    'transient',
  ],
  [
    'a Pinpoint internal error',
    new InternalServerErrorException({ message: 'internal', ...answered(500) }),
    'transient',
  ],
  [
    'a 503 of any name',
    new SESv2ServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      message: 'x',
      ...answered(503),
    }),
    'transient',
  ],
  ['a refused connection', socketError('ECONNREFUSED'), 'transient'],
  ['a name that does not resolve', socketError('ENOTFOUND'), 'transient'],
  [
    'a used-up SES daily quota',
    new TooManyRequestsException({ message: 'Daily message quota exceeded.', ...answered(429) }),
    'held',
  ],
  [
    'the SMS monthly spend limit',
    new ServiceQuotaExceededException({
      message: 'limit',
      Reason: 'MONTHLY_SPEND_LIMIT_REACHED_FOR_TEXT',
      ...answered(402),
    }),
    'held',
  ],
  ['SES sending paused', new SendingPausedException({ message: 'paused', ...answered(400) }), 'held'],
  [
    'a missing IAM permission on SMS',
    new AccessDeniedException({ message: 'not authorized', ...answered(403) }),
    'held',
  ],
  [
    'a missing SMS configuration set',
    new ResourceNotFoundException({ message: 'no such configuration set', ...answered(404) }),
    'held',
  ],
  [
    'an SES rejected message',
    new MessageRejected({ message: 'Email address is not verified.', ...answered(400) }),
    'permanent',
  ],
  [
    'a suspended SES account',
    new AccountSuspendedException({ message: 'suspended', ...answered(400) }),
    'permanent',
  ],
  [
    'a disabled SMS account',
    new AccessDeniedException({ message: 'disabled', Reason: 'ACCOUNT_DISABLED', ...answered(403) }),
    'permanent',
  ],
  [
    'an invalid SMS request',
    new ValidationException({ message: 'bad number', Reason: 'INVALID_PARAMETER', ...answered(400) }),
    'permanent',
  ],
  [
    'an opted-out number',
    new ConflictException({
      message: 'opted out',
      Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      ...answered(409),
    }),
    'permanent',
  ],
  [
    'a Pinpoint bad request',
    new BadRequestException({ message: 'bad payload', ...answered(400) }),
    'permanent',
  ],
  ['a timeout after the request left', socketError('ETIMEDOUT', 'TimeoutError'), 'unknown'],
  ['a reset connection', socketError('ECONNRESET'), 'unknown'],
  [
    'a reset hidden in the cause',
    Object.assign(new Error('socket hang up'), { cause: socketError('ECONNRESET') }),
    'unknown',
  ],
  ['a bug (a plain error)', new TypeError('cannot read properties of undefined'), 'unknown'],
  ['something that is not an error', 'boom', 'unknown'],
];

describe('classifyProviderError', () => {
  it.each(cases)('classifies %s', (_, error, kind) => {
    // Act
    const classified = classifyProviderError(error);

    // Assess
    expect(classified.kind).toBe(kind);
  });

  it('keeps the name, the SMS reason and the message in the reason', () => {
    // Prepare
    const error = new ConflictException({
      message: 'The destination phone number is opted out.',
      Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
      ...answered(409),
    });

    // Act
    const classified = classifyProviderError(error);

    // Assess
    expect(classified).toEqual({
      kind: 'permanent',
      reason:
        'ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT: The destination phone number is opted out.',
    });
  });
});
