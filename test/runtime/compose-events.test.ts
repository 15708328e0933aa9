/** Progress from compose's own plain output (runtime/start.ts), as Compose 2.26 prints it. */
import { describe, expect, it } from 'vitest';
import { ComposeEvents } from '../../src/runtime/start.js';

describe("compose's plain progress", () => {
  it('gives each service the state of its container, across chunks that split lines', () => {
    const events = new ComposeEvents('sgbench');
    expect(
      events.read(' Network sgbench-net  Created\n Container sgbench-jaeger-1  Created\n Container sgb'),
    ).toBe(true);
    expect(events.read('ench-otel-collector-1  Started\n Container sgbench-jaeger-1  Waiting\n')).toBe(true);
    expect(events.read(' Container sgbench-jaeger-1  Healthy\n Container other-grafana-1  Healthy\n')).toBe(
      true,
    );
    expect(events.states().map((s) => [s.service, s.state, s.health])).toEqual([
      ['jaeger', 'running', 'healthy'],
      ['otel-collector', 'running', 'starting'],
    ]);
    // Lines that change nothing: another project's container, a wait, compose's own messages.
    expect(events.read(' Container sgbench-jaeger-1  Waiting\nservice "x" is not running\n')).toBe(false);
  });
});
