// Plain-text table for the benchmark report: left-aligned text columns, right-aligned numeric ones.

/**
 * Formats rows as an aligned table with a header and a dashed rule.
 * @param {{ header: string, align?: 'left' | 'right' }[]} columns
 * @param {(string | number)[][]} rows
 * @returns {string[]} the lines of the table
 */
export function formatTable(columns, rows) {
  const cells = rows.map((row) => row.map((v) => String(v)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const pad = (text, i) => ((columns[i].align ?? 'left') === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (values) => values.map(pad).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}
