/**
 * Orders text by its UTF-16 code units: the same order on every machine. `localeCompare` follows the user's
 * locale and ICU version (so generated files could be listed in another order elsewhere), and its first call
 * loads a collator, which costs more than the rest of a small `generate`.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
