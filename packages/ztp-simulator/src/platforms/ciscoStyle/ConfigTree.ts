/** A line of an indented (IOS-like) configuration and its sub-mode lines. */
export type ConfigNode = { line: string; children: ConfigNode[] };

export function emptyConfig(): ConfigNode {
  return { line: '', children: [] };
}

export function cloneConfig(node: ConfigNode): ConfigNode {
  return { line: node.line, children: node.children.map(cloneConfig) };
}

export function findChild(
  node: ConfigNode,
  line: string,
): ConfigNode | undefined {
  return node.children.find(c => c.line === line);
}

/** All lines of the tree, each indented by `indent` per level. */
export function flattenConfig(node: ConfigNode, indent: string): string[] {
  const out: string[] = [];
  const walk = (n: ConfigNode, depth: number) => {
    for (const child of n.children) {
      out.push(indent.repeat(depth) + child.line);
      walk(child, depth + 1);
    }
  };
  walk(node, 0);
  return out;
}

/** Finds nodes anywhere in the tree whose line matches. */
export function findNodes(
  node: ConfigNode,
  test: (line: string) => boolean,
): ConfigNode[] {
  const out: ConfigNode[] = [];
  const walk = (n: ConfigNode) => {
    for (const child of n.children) {
      if (test(child.line)) out.push(child);
      walk(child);
    }
  };
  walk(node);
  return out;
}

export function configsEqual(a: ConfigNode, b: ConfigNode): boolean {
  return (
    a.line === b.line &&
    a.children.length === b.children.length &&
    a.children.every((c, i) => configsEqual(c, b.children[i]))
  );
}
