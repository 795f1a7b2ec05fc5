import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { PathSegment } from './problem.ts';

/** A parsed YAML or JSON document that can say where any path inside it was written. */
export type SourceDocument = {
  /** The plain value, or undefined when the text does not parse. */
  value: unknown;
  syntaxErrors: { line: number; column: number; message: string }[];
  /** Position of the value at `path`; for a path that does not exist, its nearest existing ancestor. */
  positionOf(path: readonly PathSegment[]): { line: number; column: number };
  /** Position of the key (not the value) named `key` in the mapping at `path`, falling back to the mapping. */
  positionOfKey(path: readonly PathSegment[], key: string): { line: number; column: number };
};

/** YAML 1.2 is a superset of JSON, so one parser gives source positions for both kinds of file. */
export function parseSource(text: string): SourceDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxErrors = doc.errors.map((error) => ({
    ...at(error.pos[0]),
    message: firstLine(error.message),
  }));

  const nodeAt = (path: readonly PathSegment[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return node;
    }
    return undefined;
  };

  const value: unknown = syntaxErrors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
  return {
    value,
    syntaxErrors,
    positionOf(path) {
      const node = nodeAt(path);
      return node?.range ? at(node.range[0]) : documentStart(doc, at);
    },
    positionOfKey(path, key) {
      const map = doc.getIn([...path], true);
      if (isMap(map)) {
        const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
        if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
      }
      return this.positionOf(path);
    },
  };
}

function documentStart(doc: Document, at: (offset: number) => { line: number; column: number }) {
  const contents = doc.contents;
  return isNode(contents) && contents.range ? at(contents.range[0]) : { line: 1, column: 1 };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
