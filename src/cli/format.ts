/** A plain-text table: columns padded to their widest cell, the last column free, a dashed rule under the header. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === headers.length - 1 ? 0 : r[i].length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.max(w, 7) : w))), ...rows.map(line)];
}
