import type { CallPort, CallRequest, CallResponse } from '../../core/ports/call-port.ts';
import type { Secrets } from '../../core/ports/secrets.ts';

export type HttpCallerOptions = {
  secrets: Secrets;
  /** Injected for tests; the global fetch (Node 20's undici) otherwise. */
  fetch?: typeof fetch;
};

/** The most of an answer that is read: a call's answer only feeds a few saved fields. */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * Calls an HTTPS target with fetch: the step's method, headers (secret values resolved here, and only here)
 * and rendered body, the call's idempotency key in `Idempotency-Key`, and the step's timeout. A 2xx answer is
 * read as JSON (an empty or non-JSON body answers nothing to save); 408, 429 and 5xx, a timeout and a network
 * error may answer differently on a retry; any other status is a refusal for good. Reasons name the status or
 * the error, never a header.
 */
export class HttpCaller implements CallPort {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpCallerOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  async call(request: CallRequest): Promise<CallResponse> {
    const { target } = request;
    if (target.kind !== 'http') return { ok: false, retryable: false, reason: 'not an HTTP target' };
    let headers: Record<string, string>;
    try {
      headers = await this.headersOf(target.headers);
    } catch (error) {
      return { ok: false, retryable: true, reason: `secret unavailable: ${messageOf(error)}` };
    }
    headers['Idempotency-Key'] = request.idempotencyKey;
    let response: Response;
    try {
      response = await this.fetch(target.url, {
        method: target.method,
        headers,
        ...(target.body === undefined || target.method === 'GET' ? {} : { body: target.body }),
        signal: AbortSignal.timeout(request.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError')
        return { ok: false, retryable: true, reason: `timeout after ${request.timeoutMs} ms` };
      return { ok: false, retryable: true, reason: `network error: ${messageOf(error)}` };
    }
    const text = await readText(response);
    if (!response.ok) {
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return { ok: false, retryable, reason: `HTTP ${response.status}` };
    }
    return { ok: true, status: response.status, answer: parseJson(text) };
  }

  private async headersOf(
    spec: Record<string, string | { secret: string }>,
  ): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(spec).map(
        async ([name, value]): Promise<[string, string]> => [
          name,
          typeof value === 'string' ? value : await this.options.secrets.value(value.secret),
        ],
      ),
    );
    return Object.fromEntries(entries);
  }
}

async function readText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.length > MAX_ANSWER_BYTES ? '' : text;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
