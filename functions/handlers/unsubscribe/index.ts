import {
  checkUnsubscribeToken,
  type UnsubscribePorts,
  type UnsubscribeRefusal,
  unsubscribe,
} from '../../core/runtime/unsubscribe.ts';
import {
  count,
  countBy,
  type Observability,
  observability,
  withObservability,
} from '../shared/observability.ts';
import { once } from '../shared/once.ts';
import { bodyText, FunctionUrlRequest, type FunctionUrlResponse, isOneClick, tokenOf } from './http.ts';
import { badRequest, confirmationPage, methodNotAllowed, refusedPage, unsubscribedPage } from './pages.ts';

/**
 * The unsubscribe endpoint, behind a Lambda function URL (payload format 2.0) and, locally, behind the local
 * stack's HTTP server. Links in messages carry a signed token (`?token=`):
 *
 * - GET shows what the link will do and a button that POSTs; it changes nothing, because mail scanners and
 *   link previews fetch every URL in a message;
 * - POST performs the opt-out: RFC 8058 one-click from the mail client (`List-Unsubscribe=One-Click`), or the
 *   page's button. It publishes one consent event to ingest; the profile records it with source and time.
 *
 * A tampered, malformed or expired token gets 403 and nothing is published; other methods get 405.
 */
export function unsubscribeHandler(
  ports: () => Promise<UnsubscribePorts>,
  obs: Observability = observability('unsubscribe'),
) {
  return withObservability(
    async (event: unknown): Promise<FunctionUrlResponse> => respond(event, await ports(), obs),
    obs,
  );
}

async function respond(
  event: unknown,
  ports: UnsubscribePorts,
  { logger, metrics }: Observability,
): Promise<FunctionUrlResponse> {
  count(metrics, 'UnsubscribeRequests');
  const parsed = FunctionUrlRequest.safeParse(event);
  if (!parsed.success) {
    logger.warn('not a function URL request', { issues: parsed.error.issues.map((i) => i.message) });
    return badRequest();
  }
  const request = parsed.data;
  const token = tokenOf(request);
  const refused = (reason: UnsubscribeRefusal, detail?: string): FunctionUrlResponse => {
    countBy(metrics, 'UnsubscribeRefusals', { reason });
    logger.info('unsubscribe refused', { reason, detail, method: request.requestContext.http.method });
    return refusedPage(reason);
  };
  switch (request.requestContext.http.method.toUpperCase()) {
    case 'GET': {
      const checked = checkUnsubscribeToken(token, ports.keys, ports.now());
      if (checked.status === 'refused') return refused(checked.reason, checked.detail);
      count(metrics, 'UnsubscribePagesShown');
      return confirmationPage(checked.token, checked.claims);
    }
    case 'POST': {
      const method = isOneClick(bodyText(request)) ? 'one-click' : 'form';
      const result = await unsubscribe(token, method, ports);
      if (result.status === 'refused') return refused(result.reason, result.detail);
      countBy(metrics, 'Unsubscribes', { channel: result.claims.channel, method });
      logger.info('unsubscribed', {
        userId: result.claims.userId,
        consentKey: result.consentKey,
        method,
        eventId: result.event.id,
      });
      return unsubscribedPage(result.claims);
    }
    default:
      return methodNotAllowed();
  }
}

export const handler = unsubscribeHandler(once(async () => (await import('./wiring.ts')).wireUnsubscribe()));
