import { Document, isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';

/**
 * Sets the value at `path` in a YAML text and returns the new text. Only the top-level section that holds
 * `path` is rewritten; every other line, comment and flow style stays as the author wrote it, so that a
 * command writing results back (fitted parameters, suggested thresholds) leaves a diff a reviewer can read.
 * With `flow`, the mappings and lists directly inside `value` are written in flow style (`{r: 0.24}`).
 */
export function setYamlValue(text: string, path: readonly string[], value: unknown, flow = false): string {
  const [top] = path;
  if (top === undefined) throw new Error('setYamlValue needs a path');
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new Error(`cannot edit YAML with syntax errors: ${doc.errors[0]?.message}`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new Error('cannot edit YAML whose top is not a mapping');

  const pair = doc.contents?.items.find((p) => isScalar(p.key) && p.key.value === top);
  const section = new Document({});
  const current = pair?.value;
  if (current !== undefined && current !== null) section.set(top, current);
  const node: Node = section.createNode(value);
  if (flow && isMap(node))
    for (const item of node.items) if (isMap(item.value) || isSeq(item.value)) item.value.flow = true;
  section.setIn(path, node);
  const sectionText = section.toString({ lineWidth: 110 });

  const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  const end = isScalarOrNode(pair?.value) ? pair.value.range?.[2] : undefined;
  if (start === undefined || end === undefined) {
    return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${sectionText}`;
  }
  // A value's range ends after its line break, as sectionText does, so the next section follows as it was.
  return `${text.slice(0, start)}${sectionText}${text.slice(end)}`;
}

function isScalarOrNode(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value);
}
