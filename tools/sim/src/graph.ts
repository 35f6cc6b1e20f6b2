/**
 * Connected components of an undirected graph of `size` vertices given as adjacency lists of vertex
 * indices (union-find with path halving). Edges to indices outside 0..size-1 are ignored: a node may
 * be connected to something that is not part of the network being measured.
 */
export function countComponents(size: number, neighbours: (i: number) => Iterable<number>): number {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let components = size;
  for (let i = 0; i < size; i++) {
    for (const j of neighbours(i)) {
      if (j < 0 || j >= size) continue;
      const a = find(i);
      const b = find(j);
      if (a !== b) {
        parent[a] = b;
        components--;
      }
    }
  }
  return components;
}
