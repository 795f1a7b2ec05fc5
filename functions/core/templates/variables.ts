import { setField } from '../collections/own-field.ts';
import type { Channel } from '../journeys/schema-parts.ts';

/** The trigger event as templates see it: the EventBridge envelope flattened to what a message can use. */
export type EventVariables = {
  id: string;
  name: string;
  source: string;
  time: string;
  properties: Record<string, unknown>;
};

/** Every variable a template may reference. Documented in docs/templates.md. */
export type TemplateVariables = {
  /** The profile view with its lifecycle fields (docs/profile.md, docs/lifecycle.md). */
  profile: Record<string, unknown>;
  event: EventVariables;
  journey: { id: string; name: string; stepId: string; variant?: string };
  message: { id: string };
  /** The fields the enrollment's call steps saved (`saveAs`); empty when none. */
  saved?: Record<string, unknown>;
};

/** The variable roots a template may start a reference with. */
export const VARIABLE_ROOTS = ['profile', 'event', 'journey', 'message', 'saved', 'unsubscribeUrl'] as const;

/** Known fields of the non-profile roots; `null` marks an open map (any key). */
export const KNOWN_FIELDS: Record<'event' | 'journey' | 'message', Record<string, null | true>> = {
  event: { id: true, name: true, source: true, time: true, properties: null },
  journey: { id: true, name: true, stepId: true, variant: true },
  message: { id: true },
};

/** Builds the unsubscribe URL of a message on a channel; injected so core holds no key and no clock. */
export type UnsubscribeUrlFor = (channel: Channel) => string;

/** The trigger an enrollment keeps (engine `TriggerRef`), as templates see it. */
export function eventVariables(trigger: {
  id: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: { properties: Record<string, unknown> };
}): EventVariables {
  return {
    id: trigger.id,
    name: trigger['detail-type'],
    source: trigger.source,
    time: trigger.time,
    properties: trigger.detail.properties,
  };
}

/**
 * Drops `null`, `undefined` and empty strings from objects, recursively. The profile view says `null` for an
 * unknown stage or locale, and Liquid prints `null` as nothing; removed, such a value is missing, so strict
 * rendering refuses it (or `| default:` replaces it) instead of sending a blank. A plain object or an array
 * with nothing to drop anywhere inside is handed back as it is (Liquid only reads it): copying every message's
 * whole profile and event was most of what this cost. Any other object (a Date, a Map, a class) is copied to
 * a plain one of its own fields, as before.
 */
export function withoutBlanks(value: unknown): unknown {
  if (Array.isArray(value)) return arrayWithoutBlanks(value);
  if (typeof value !== 'object' || value === null) return value;
  return objectWithoutBlanks(value);
}

function arrayWithoutBlanks(items: unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const kept = withoutBlanks(item);
    if (kept !== item && copy === undefined) copy = items.slice(0, index);
    copy?.push(kept);
  }
  return copy ?? items;
}

function objectWithoutBlanks(value: object): object {
  const keys = Object.keys(value);
  const fields = Object.values(value);
  let copy: Record<string, unknown> | undefined =
    Object.getPrototypeOf(value) === Object.prototype ? undefined : {};
  for (let index = 0; index < keys.length; index++) {
    const inner = fields[index];
    const blank = inner === null || inner === undefined || inner === '';
    const kept = blank ? undefined : withoutBlanks(inner);
    if (copy === undefined && (blank || kept !== inner)) {
      copy = {};
      for (let before = 0; before < index; before++) setField(copy, keys[before] ?? '', fields[before]);
    }
    if (copy !== undefined && !blank) setField(copy, keys[index] ?? '', kept);
  }
  return copy ?? value;
}
