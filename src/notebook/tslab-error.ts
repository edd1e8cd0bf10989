// tslab 1.0.22 reports a failing cell only as stderr stream text plus an execute_reply with
// status "error" and no ename/evalue/traceback. These helpers recover an error from that text.

/** An error recovered from a cell's stderr. */
export interface RecoveredError {
  ename: string;
  evalue: string;
  traceback: string[];
  /** The stderr text the error was read from (the trailing part of the cell's stderr). */
  text: string;
}

/** A TypeScript diagnostic as tslab prints it: "LINE:COLUMN - message", maybe after a file name. */
const DIAGNOSTIC_LINE = /^(?:\S+ )?\d+:\d+ - /;
/** The first line of a printed JavaScript error: "TypeError: message" or "Error [CODE]: message". */
const ERROR_LINE = /^([A-Za-z_$][\w$]*)(?: \[[\w.-]+\])?: (.*)$/;
const BARE_ERROR_NAME = /^([A-Za-z_$][\w$]*(?:Error|Exception))$/;

/**
 * Recovers the error of a failed tslab cell from the stderr chunks it wrote, oldest first.
 * Type errors are the trailing run of "LINE:COLUMN - message" chunks (ename "TSError", evalue
 * the first diagnostic), because tslab prints one chunk per diagnostic and runs nothing. A
 * thrown error is the last chunk, which tslab prints with `console.error(error)`: the source
 * line, a caret, then "Name: message" and the stack.
 */
export function recoverTslabError(stderrChunks: string[]): RecoveredError {
  if (stderrChunks.length === 0) {
    return { ename: 'Error', evalue: 'The cell failed without printing an error', traceback: [], text: '' };
  }

  let first = stderrChunks.length;
  while (first > 0 && DIAGNOSTIC_LINE.test(stderrChunks[first - 1])) first -= 1;
  if (first < stderrChunks.length) {
    const text = stderrChunks.slice(first).join('');
    const lines = toLines(text);
    return { ename: 'TSError', evalue: lines[0] ?? '', traceback: lines, text };
  }

  const text = stderrChunks[stderrChunks.length - 1];
  const lines = toLines(text);
  for (const line of lines) {
    const match = ERROR_LINE.exec(line);
    if (match) return { ename: match[1], evalue: match[2], traceback: lines, text };
    const bare = BARE_ERROR_NAME.exec(line);
    if (bare) return { ename: bare[1], evalue: '', traceback: lines, text };
  }
  // A thrown value that is not an Error (for example `throw "text"`) prints as itself.
  return { ename: 'Error', evalue: lines.find((line) => line.trim() !== '') ?? '', traceback: lines, text };
}

function toLines(text: string): string[] {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}
