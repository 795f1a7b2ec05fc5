import type { MessageTag } from '@aws-sdk/client-sesv2';
import type { SendIntent } from '../../core/engine/state.ts';
import { FEEDBACK_TAGS } from '../../core/feedback/outcome.ts';
import { encodeTagValue } from '../../core/feedback/tag-values.ts';

/** SES refuses a tag value longer than this (MessageTag in the SES v2 API). */
export const MAX_TAG_VALUE_LENGTH = 256;

/**
 * The `EmailTags` that carry Cairn's ids (FEEDBACK_TAGS) to SES event publishing, values encoded by `encodeTagValue` (core/feedback/tag-values.ts). An
 * id whose encoding is longer than SES allows is left out rather than cut, since a cut id would name another
 * message: feedback for that message then still updates its status and suppressions, but, lacking the ids,
 * gives no customer event.
 */
export function emailTags(intent: SendIntent): MessageTag[] {
  const ids: [name: string, id: string][] = [
    [FEEDBACK_TAGS.userId, intent.userId],
    [FEEDBACK_TAGS.journeyId, intent.journeyId],
    [FEEDBACK_TAGS.stepId, intent.stepId],
    [FEEDBACK_TAGS.messageId, intent.messageId],
  ];
  return ids
    .map(([name, id]) => ({ Name: name, Value: encodeTagValue(id) }))
    .filter((tag) => tag.Value.length <= MAX_TAG_VALUE_LENGTH);
}
