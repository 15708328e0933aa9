/**
 * The real Mermaid parser (the library GitHub and editors render diagrams with), in a jsdom window
 * because Mermaid sanitises labels with DOMPurify, which needs a DOM.
 */
import { JSDOM } from 'jsdom';
import type MermaidModule from 'mermaid';

type Mermaid = typeof MermaidModule;
let loaded: Promise<Mermaid> | undefined;

function mermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { window } = new JSDOM('');
    Object.assign(globalThis, { window, document: window.document });
    return (await import('mermaid')).default;
  })();
  return loaded;
}

export interface ParsedFlowchart {
  /** Node id → label, as Mermaid read them. */
  nodes: Map<string, string>;
  subgraphs: { id: string; title: string; nodes: string[] }[];
  edges: { from: string; to: string; label: string; dotted: boolean }[];
}

/** Parses a flowchart; throws Mermaid's own error when it is not valid. */
export async function parseFlowchart(text: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  await m.parse(text);
  const diagram = await m.mermaidAPI.getDiagramFromText(text);
  // The flowchart database's shape, as Mermaid 11 keeps it.
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { id: string; text: string }>;
    getSubGraphs(): { id: string; title: string; nodes: string[] }[];
    getEdges(): { start: string; end: string; text: string; stroke: string }[];
  };
  return {
    nodes: new Map([...db.getVertices().values()].map((v) => [v.id, v.text])),
    subgraphs: db.getSubGraphs().map(({ id, title, nodes }) => ({ id, title, nodes })),
    edges: db
      .getEdges()
      .map((e) => ({ from: e.start, to: e.end, label: e.text, dotted: e.stroke === 'dotted' })),
  };
}

/** The body of the first ```mermaid block in a Markdown text. */
export function mermaidBlock(markdown: string): string {
  const match = markdown.match(/^```mermaid\n([\s\S]*?)^```$/m);
  if (!match) throw new Error('no mermaid block');
  return match[1]!;
}
