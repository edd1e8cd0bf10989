import { SynganError } from '../core/errors';
import { newCellId } from './notebook-file';
import type { CodeCell, Notebook } from './types';

export const PARAMETERS_TAG = 'parameters';
export const INJECTED_PARAMETERS_TAG = 'injected-parameters';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A top-level declaration at the start of a line: `let name`, `const name`, `export var name`. */
const DECLARATION = /^(?:export\s+)?(let|var|const)\s+([A-Za-z_$][\w$]*)/gm;

/**
 * Injects parameter values the way papermill does, for notebooks run by the tslab kernel.
 *
 * Convention for notebook authors: put the defaults in one code cell tagged `parameters`
 * (cell metadata `tags`), one declaration per line and declared with `let`, with a type when
 * the default's inferred type is too narrow:
 *
 * ```ts
 * let profile: 'quick' | 'standard' | 'full' = 'quick';
 * let epochs = 5;
 * ```
 *
 * The runner keeps that cell and inserts after it a code cell tagged `injected-parameters`
 * that assigns the given values (`profile = "full";`), so TypeScript checks each value against
 * the declared type and a wrong value fails in that cell. A name declared with `const`, or not
 * declared at all, is declared again with `let` instead (`let epochs = 10;`), which tslab
 * allows across cells but which takes the value's own type. The cell ends with an empty
 * statement so tslab does not print the last assigned value. Without a `parameters` cell the
 * injected cell goes first, as in papermill, and an earlier `injected-parameters` cell (from a
 * notebook that was executed before) is replaced.
 *
 * Values must be JSON-like: strings, finite or non-finite numbers, booleans, null, undefined,
 * arrays and plain objects of those.
 */
export function injectParameters(nb: Notebook, parameters: Record<string, unknown>): Notebook {
  const names = Object.keys(parameters);
  if (names.length === 0) return nb;

  for (const name of names) {
    if (!IDENTIFIER.test(name)) {
      throw new SynganError(`Parameter name ${JSON.stringify(name)} is not a valid identifier`, {
        hint: 'Use names like `profile` or `epochs`: letters, digits, _ and $, not starting with a digit.',
      });
    }
  }

  const cells = nb.cells.filter((cell) => !hasTag(cell.metadata.tags, INJECTED_PARAMETERS_TAG));
  const parametersIndex = cells.findIndex((cell) => cell.cell_type === 'code' && hasTag(cell.metadata.tags, PARAMETERS_TAG));
  const declared = parametersIndex >= 0 ? findDeclarations(cells[parametersIndex].source) : new Map<string, string>();

  const lines = ['// Parameters injected by syngan; they override the defaults in the `parameters` cell.'];
  for (const name of names) {
    const literal = toTypeScriptLiteral(parameters[name], name);
    const kind = declared.get(name);
    lines.push(kind === 'let' || kind === 'var' ? `${name} = ${literal};` : `let ${name} = ${literal};`);
  }
  lines.push(';');

  const injected: CodeCell = {
    id: newCellId(),
    cell_type: 'code',
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    source: lines.join('\n'),
    execution_count: null,
    outputs: [],
  };
  cells.splice(parametersIndex + 1, 0, injected);
  return { ...nb, cells };
}

/** Maps each name declared at the start of a line in `source` to its keyword (let, var, const). */
export function findDeclarations(source: string): Map<string, string> {
  const declared = new Map<string, string>();
  for (const match of source.matchAll(DECLARATION)) declared.set(match[2], match[1]);
  return declared;
}

/** Writes a JSON-like value as a TypeScript expression; throws SynganError for other values. */
export function toTypeScriptLiteral(value: unknown, name: string): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item, index) => toTypeScriptLiteral(item, `${name}[${index}]`)).join(', ')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${JSON.stringify(key)}: ${toTypeScriptLiteral(item, `${name}.${key}`)}`,
    );
    return `{ ${entries.join(', ')} }`;
  }
  throw new SynganError(`Parameter ${name} has a value of type ${describeType(value)} that cannot be written into a notebook`, {
    hint: 'Pass strings, numbers, booleans, null, arrays or plain objects.',
  });
}

function describeType(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}

function hasTag(tags: unknown, tag: string): boolean {
  return Array.isArray(tags) && tags.includes(tag);
}
