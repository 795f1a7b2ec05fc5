import type { JsonValue } from '../events/index.ts';
import { lifecycleView } from '../lifecycle/lifecycle.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { Profile } from '../profile/profile.ts';
import { textLiquid } from '../templates/liquid.ts';
import { eventVariables, withoutBlanks } from '../templates/variables.ts';
import type { CallIntent, CallTarget } from './intent.ts';

/**
 * Renders a call's Liquid (the HTTP body, the strings of a Lambda payload) when the call is made, by the calls
 * function: like a message, so the template engine stays out of the functions that run the engine. The
 * variables are those of message templates but `message` and `unsubscribeUrl`: the profile view, the trigger
 * event, the journey and the enrollment's saved fields (docs/journeys.md, `call`). A missing value is a
 * failure with its reason, never a blank.
 */
export function renderCallTarget(
  intent: CallIntent,
  profile: Profile,
  lifecycle: LifecycleModel | undefined,
  now: number,
): { ok: true; target: CallTarget } | { ok: false; reason: string } {
  const scope = {
    profile: withoutBlanks(lifecycleView(intent.userId, profile, lifecycle, now)),
    event: eventVariables(
      intent.trigger ?? { id: '', source: '', 'detail-type': '', time: '', detail: { properties: {} } },
    ),
    journey: { id: intent.journeyId, stepId: intent.stepId },
    saved: intent.saved ?? {},
  };
  const render = (text: string) => String(textLiquid().parseAndRenderSync(text, scope));
  try {
    const { target } = intent;
    if (target.kind === 'http')
      return {
        ok: true,
        target: target.body === undefined ? target : { ...target, body: render(target.body) },
      };
    return { ok: true, target: { ...target, payload: renderJson(target.payload, render) } };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `render-failed: ${detail}` };
  }
}

function renderJson(value: JsonValue, render: (text: string) => string): JsonValue {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((v) => renderJson(v, render));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, render)]));
  return value;
}
