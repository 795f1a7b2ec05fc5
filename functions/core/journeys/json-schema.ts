import * as z from 'zod';
import { isRecord } from '../collections/is-record.ts';
import { Journey } from './schema.ts';

/**
 * The JSON Schema that editors use for autocompletion and inline errors, generated from the zod schema.
 * Draft-07 because the YAML language server supports it fully. `io: 'input'` describes what authors write,
 * where defaulted fields are optional.
 */
export function journeyJsonSchema(): string {
  const schema = spliceNestedForms(z.toJSONSchema(Journey, { target: 'draft-7', io: 'input' }));
  return `${JSON.stringify(isRecord(schema) ? { ...schema, title: 'Cairn journey' } : schema, null, 2)}\n`;
}

/**
 * Splices the forms of a step kind written in several forms (a wait: steps/kind.ts, stepForms), which zod
 * writes as an `anyOf` among the step union's `oneOf` options, into that `oneOf`. The YAML language server
 * offers values from one level of alternatives only: nested, the wait forms hid `wait` from the completions
 * of a step's `type`. The forms are strict objects, each requiring a key the others do not allow, so at most
 * one matches a step and `oneOf` still holds.
 */
function spliceNestedForms(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(spliceNestedForms);
  if (!isRecord(node)) return node;
  const entries = Object.entries(node).map(([key, value]): [string, unknown] => [
    key,
    key === 'oneOf' && Array.isArray(value)
      ? value.flatMap(formsOf).map(spliceNestedForms)
      : spliceNestedForms(value),
  ]);
  return Object.fromEntries(entries);
}

/** The forms of a union that is nothing but its forms (and their description); any other option as it is. */
function formsOf(option: unknown): unknown[] {
  if (!isRecord(option)) return [option];
  const { anyOf, description: _description, ...rest } = option;
  return Array.isArray(anyOf) && Object.keys(rest).length === 0 ? anyOf : [option];
}
