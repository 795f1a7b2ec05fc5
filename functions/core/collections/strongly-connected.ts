/**
 * Tarjan's strongly connected components of a directed graph, in the order the search closes them (a
 * component comes before the components that reach it). Used by the journey validator for loops without a
 * wait step and by the segment validator for include/exclude cycles, so there is one implementation.
 * `edges(node)` may name nodes outside `nodes`: those are ignored.
 */
export function stronglyConnected<T>(nodes: Iterable<T>, edges: (node: T) => Iterable<T>): T[][] {
  const known = new Set(nodes);
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const stack: T[] = [];
  const onStack = new Set<T>();
  const components: T[][] = [];
  let counter = 0;

  const visit = (node: T): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of edges(node)) {
      if (!known.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: T[] = [];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      onStack.delete(top);
      component.unshift(top);
      if (top === node) break;
    }
    components.push(component);
  };
  for (const node of known) if (!index.has(node)) visit(node);
  return components;
}

/** The components that are cycles: more than one node, or one node with an edge to itself. */
export function cyclesOf<T>(nodes: Iterable<T>, edges: (node: T) => Iterable<T>): T[][] {
  return stronglyConnected(nodes, edges).filter(
    (component) =>
      component.length > 1 || (component[0] !== undefined && [...edges(component[0])].includes(component[0])),
  );
}
