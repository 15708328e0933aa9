/** How a hop of `verify` ends, whichever part of the stack it asks. */
export interface Outcome {
  /** "skip": the hop does not apply to this stack, cannot be asked from here, or an earlier hop failed. */
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** What to look at, when it failed. */
  hint?: string;
}

export const pass = (detail: string): Outcome => ({ status: 'pass', detail });
export const skip = (detail: string): Outcome => ({ status: 'skip', detail });
export const fail = (detail: string, hint?: string): Outcome => ({ status: 'fail', detail, hint });

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
