/** Image tags read as versions: `v0.144.7` and `25.12.5` are [0, 144, 7] and [25, 12, 5]. */
export function version(tag: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

export function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < want.length; i++) if (have[i] !== want[i]) return have[i]! > want[i]!;
  return true;
}
