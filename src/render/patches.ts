/**
 * The stack file's `patches`: edits to generated YAML and JSON files, for what the stack file cannot say.
 * Each is a JSON merge patch (RFC 7386) or JSON Patch operations (RFC 6902), applied to the parsed document
 * after rendering and before the checks. YAML is edited through the `yaml` library's document model, so the
 * comments stackgen writes stay where they were.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import type { Stack } from '../model/normalize.js';
import type { FileFormat } from './marker.js';

type Patch = Stack['extensions']['patches'][number];
type Operation = NonNullable<Patch['jsonPatch']>[number];
type Path = (string | number)[];

/** A patch that does not apply: which patch, where in it (for the stack file position), and why. */
export class PatchError extends Error {
  constructor(
    readonly patch: number,
    /** Within the patch: `['jsonPatch', 2, 'path']`, `['file']`. */
    readonly at: Path,
    message: string,
  ) {
    super(message);
  }
}

/** Formats a patch can edit. */
const PATCHABLE: FileFormat[] = ['yaml', 'json'];

/** Applies every patch naming `file` to its body, in the order the stack file lists them. */
export function patchBody(stack: Stack, file: { path: string; format: FileFormat }, body: string): string {
  const patches = stack.extensions.patches
    .map((patch, index) => ({ patch, index }))
    .filter(({ patch }) => patch.file === file.path);
  if (patches.length === 0) return body;
  if (!PATCHABLE.includes(file.format)) {
    throw new PatchError(
      patches[0]!.index,
      ['file'],
      `${file.path} is not YAML or JSON; only those can be patched`,
    );
  }
  const doc = parseDocument(body, { keepSourceTokens: false });
  for (const { patch, index } of patches) {
    if (patch.merge) mergeInto(doc, [], patch.merge);
    patch.jsonPatch?.forEach((operation, i) => {
      try {
        apply(doc, operation);
      } catch (error) {
        if (!(error instanceof OperationFailed)) throw error;
        throw new PatchError(index, ['jsonPatch', i, error.field], `${file.path}: ${error.message}`);
      }
    });
  }
  return file.format === 'json'
    ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
    : doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The patched files a plan must have: every patch names a file the stack generates. */
export function unknownPatchTargets(stack: Stack, generated: string[]): PatchError[] {
  return stack.extensions.patches.flatMap((patch, index) =>
    generated.includes(patch.file)
      ? []
      : [
          new PatchError(
            index,
            ['file'],
            `${patch.file} is not a file this stack generates (${generated.join(', ')})`,
          ),
        ],
  );
}

/** RFC 7386: mappings merge key by key; null removes; anything else replaces. */
function mergeInto(doc: Document, at: Path, patch: Record<string, unknown>): void {
  if (!isMap(at.length ? doc.getIn(at, true) : doc.contents)) setAt(doc, at, {});
  for (const [key, value] of Object.entries(patch)) {
    const path = [...at, key];
    if (value === null) doc.deleteIn(path);
    else if (typeof value === 'object' && !Array.isArray(value))
      mergeInto(doc, path, value as Record<string, unknown>);
    else doc.setIn(path, doc.createNode(value));
  }
}

class OperationFailed extends Error {
  constructor(
    readonly field: 'path' | 'from' | 'value',
    message: string,
  ) {
    super(message);
  }
}

/** RFC 6901: "/a/b~1c/0" → ["a", "b/c", "0"]. */
function segments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The node at a pointer, with the path the yaml library takes (numbers for sequence items). */
function resolve(doc: Document, pointer: string, field: 'path' | 'from'): { path: Path; node: unknown } {
  const path: Path = [];
  let node: unknown = doc.contents;
  for (const segment of segments(pointer)) {
    if (isSeq(node)) {
      const index = Number(segment);
      if (!/^(0|[1-9]\d*)$/.test(segment) || index >= node.items.length)
        throw new OperationFailed(field, `${pointer} does not exist (no item ${segment})`);
      path.push(index);
      node = node.items[index];
    } else if (isMap(node)) {
      if (!node.has(segment))
        throw new OperationFailed(field, `${pointer} does not exist (no key "${segment}")`);
      path.push(segment);
      node = node.get(segment, true);
    } else {
      throw new OperationFailed(field, `${pointer} does not exist (${describe(node)} has no "${segment}")`);
    }
  }
  return { path, node };
}

function apply(doc: Document, operation: Operation): void {
  switch (operation.op) {
    case 'add':
      return add(doc, operation.path, operation.value);
    case 'remove':
      resolve(doc, operation.path, 'path');
      return remove(doc, operation.path);
    case 'replace': {
      const { path } = resolve(doc, operation.path, 'path');
      return setAt(doc, path, operation.value);
    }
    case 'move': {
      if (operation.path.startsWith(`${operation.from}/`))
        throw new OperationFailed('path', `cannot move ${operation.from} into itself`);
      const value = toJS(resolve(doc, operation.from, 'from').node);
      remove(doc, operation.from);
      return add(doc, operation.path, value);
    }
    case 'copy':
      return add(doc, operation.path, toJS(resolve(doc, operation.from, 'from').node));
    case 'test': {
      const actual = toJS(resolve(doc, operation.path, 'path').node);
      if (!isDeepStrictEqual(actual, operation.value))
        throw new OperationFailed(
          'value',
          `test failed: ${operation.path} is ${JSON.stringify(actual)}, not ${JSON.stringify(operation.value)}`,
        );
    }
  }
}

/** RFC 6902 add: into a mapping (adding or replacing a key) or a sequence (inserting; "-" appends). */
function add(doc: Document, pointer: string, value: unknown): void {
  const all = segments(pointer);
  if (all.length === 0) return setAt(doc, [], value);
  const last = all.at(-1)!;
  const parentPointer = pointer.slice(0, pointer.lastIndexOf('/'));
  const { path, node: parent } = resolve(doc, parentPointer, 'path');
  if (isSeq(parent)) {
    const index = last === '-' ? parent.items.length : Number(last);
    if (!/^(-|0|[1-9]\d*)$/.test(last) || index > parent.items.length)
      throw new OperationFailed(
        'path',
        `${pointer}: index ${last} is past the end of a list of ${parent.items.length}`,
      );
    const node = doc.createNode(value) as Node;
    // Spaced like the items around it (scrape jobs have a blank line between them).
    node.spaceBefore = isSpaced(parent.items[index] ?? parent.items[index - 1]);
    parent.items.splice(index, 0, node);
  } else if (isMap(parent)) {
    doc.setIn([...path, last], doc.createNode(value));
  } else {
    throw new OperationFailed('path', `${parentPointer || '/'} is ${describe(parent)}, which holds nothing`);
  }
}

function remove(doc: Document, pointer: string): void {
  const { path } = resolve(doc, pointer, 'path');
  if (path.length === 0) throw new OperationFailed('path', 'cannot remove the whole document');
  doc.deleteIn(path);
}

function setAt(doc: Document, path: Path, value: unknown): void {
  if (path.length === 0) doc.contents = doc.createNode(value) as Document['contents'];
  else doc.setIn(path, doc.createNode(value));
}

function isSpaced(node: unknown): true | undefined {
  return node && typeof node === 'object' && (node as Node).spaceBefore ? true : undefined;
}

function toJS(node: unknown): unknown {
  return node && typeof node === 'object' && 'toJSON' in node ? (node as Node).toJSON() : node;
}

function describe(node: unknown): string {
  if (isScalar(node)) return `the value ${JSON.stringify(node.value)}`;
  return node === null || node === undefined ? 'empty' : 'not a mapping or list';
}
