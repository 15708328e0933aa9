/**
 * Source positions of fields: an issue about a path (`apps[0].networks[1]`) becomes `file:line:col`, using
 * the node positions the `yaml` library keeps. Works for stack files and for the user's own YAML and JSON
 * files (JSON is YAML).
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Issue } from '../errors.js';
import type { PathIssue } from './validate.js';

/** A file's text, parsed and located. */
export interface Source {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/** Attaches the source position of the field an issue is about. */
export function locate(source: Source, issue: PathIssue): Issue {
  const node = nearestNode(source.doc, issue.path, issue.at === 'key');
  const pos = node?.range ? source.lines.linePos(node.range[0]) : undefined;
  return {
    file: source.file,
    line: pos?.line,
    col: pos?.col,
    path: formatPath(issue.path),
    message: issue.message,
    severity: issue.severity,
  };
}

/** The node at `path`, or its nearest existing ancestor (a missing field points at its parent). */
export function nearestNode(
  doc: Document,
  fieldPath: readonly (string | number)[],
  wantKey: boolean,
): Node | undefined {
  let node: unknown = doc.contents;
  for (const [i, segment] of fieldPath.entries()) {
    const last = i === fieldPath.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return node;
      if (last && wantKey) return pair.key as Node;
      // A key with no value ("apps:") has a null value node; point at the key then.
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!item) return node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

/** `apps[0].networks[1]`; a key that is not a plain word is quoted: `resourceAttributes["service.name"]`. */
export function formatPath(fieldPath: readonly (string | number)[]): string {
  return fieldPath
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)
          ? `[${JSON.stringify(p)}]`
          : i === 0
            ? p
            : `.${p}`,
    )
    .join('');
}
