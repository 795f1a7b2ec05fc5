/**
 * Network failures of an AWS SDK call, told as what was tried and how to fix it rather than as a stack trace.
 * The SDK wraps Node's socket errors in several ways (the error itself, its `cause`, or an AggregateError's
 * `errors` when every address of a host refused), so the code is looked for in each.
 */

/** Node's socket error codes this explains, and what each means for the person at the terminal. */
const MEANINGS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now (DNS unavailable)',
  ECONNREFUSED: 'nothing accepts connections there',
  ECONNRESET: 'the connection was closed by the other side',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

function codesOf(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 4) return [];
  const own = 'code' in error && typeof error.code === 'string' ? [error.code] : [];
  const cause = 'cause' in error ? codesOf(error.cause, depth + 1) : [];
  const inner =
    'errors' in error && Array.isArray(error.errors)
      ? error.errors.flatMap((e) => codesOf(e, depth + 1))
      : [];
  return [...own, ...cause, ...inner];
}

/** The socket error code of a network failure, or undefined when the error is not one. */
export function networkErrorCode(error: unknown): string | undefined {
  return codesOf(error).find((code) => code in MEANINGS);
}

/**
 * One message for a network failure reaching `service` at `endpoint`, or undefined for any other error.
 * `endpointVariable` is the environment variable that overrides the endpoint (AWS_ENDPOINT_URL_DYNAMODB).
 */
export function explainNetworkError(
  error: unknown,
  service: string,
  endpoint: string,
  endpointVariable: string,
): string | undefined {
  const code = networkErrorCode(error);
  if (code === undefined) return undefined;
  const overridden = process.env[endpointVariable] ?? process.env.AWS_ENDPOINT_URL;
  const fix =
    overridden !== undefined
      ? `check ${process.env[endpointVariable] !== undefined ? endpointVariable : 'AWS_ENDPOINT_URL'} (${overridden}), or unset it to use AWS`
      : 'check --region and your network (a proxy, VPN or firewall may block it)';
  return `could not reach ${service} at ${endpoint}: ${code}, ${MEANINGS[code]}; ${fix}`;
}
