import { isMap, isSeq, parseDocument } from 'yaml';

/**
 * Sets the value at `path` in a YAML text and returns the new text, keeping the comments, order and layout of
 * everything else, so that a command writing results back (fitted parameters, suggested thresholds) leaves a
 * file a reviewer can diff. Mappings and lists inside `value` are written in flow style (`{ r: 0.24, ... }`,
 * `[1, 2]`) when `flow` is set.
 */
export function setYamlValue(text: string, path: readonly string[], value: unknown, flow = false): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`cannot edit YAML with syntax errors: ${doc.errors[0]?.message}`);
  const node = doc.createNode(value);
  if (flow && isMap(node))
    for (const item of node.items) if (isMap(item.value) || isSeq(item.value)) item.value.flow = true;
  doc.setIn(path, node);
  return doc.toString({ lineWidth: 110 });
}
