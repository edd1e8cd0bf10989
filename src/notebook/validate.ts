// A structural check of saved notebook JSON against the nbformat 4.5 schema's required fields
// (nbformat/v4/nbformat.v4.5.schema.json): not a full JSON-schema validation, but it catches
// what JupyterLab and nbconvert reject, such as a missing cell id or an output without its fields.

const CELL_ID_PATTERN = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Lists the ways `json` (a parsed `.ipynb` file) breaks nbformat 4.5; an empty list means it
 * has every required field with the right type.
 */
export function findNbformatProblems(json: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(json)) return ['notebook is not a JSON object'];

  if (json.nbformat !== 4) problems.push(`nbformat is ${JSON.stringify(json.nbformat)}, expected 4`);
  if (typeof json.nbformat_minor !== 'number' || json.nbformat_minor < 5) {
    problems.push(`nbformat_minor is ${JSON.stringify(json.nbformat_minor)}, expected 5 or more`);
  }
  checkNotebookMetadata(json.metadata, problems);
  if (!Array.isArray(json.cells)) {
    problems.push('cells is not a list');
    return problems;
  }

  const ids = new Set<string>();
  json.cells.forEach((cell: unknown, index: number) => checkCell(cell, `cells[${index}]`, ids, problems));
  return problems;
}

function checkNotebookMetadata(metadata: unknown, problems: string[]): void {
  if (!isObject(metadata)) {
    problems.push('metadata is not an object');
    return;
  }
  const { kernelspec, language_info: languageInfo } = metadata;
  if (kernelspec !== undefined) {
    if (!isObject(kernelspec) || typeof kernelspec.name !== 'string' || typeof kernelspec.display_name !== 'string') {
      problems.push('metadata.kernelspec needs string "name" and "display_name"');
    }
  }
  if (languageInfo !== undefined && (!isObject(languageInfo) || typeof languageInfo.name !== 'string')) {
    problems.push('metadata.language_info needs a string "name"');
  }
}

function checkCell(cell: unknown, where: string, ids: Set<string>, problems: string[]): void {
  if (!isObject(cell)) {
    problems.push(`${where} is not an object`);
    return;
  }
  if (typeof cell.id !== 'string' || !CELL_ID_PATTERN.test(cell.id)) {
    problems.push(`${where}.id is missing or not 1-64 characters of [a-zA-Z0-9-_]`);
  } else if (ids.has(cell.id)) {
    problems.push(`${where}.id ${cell.id} is not unique`);
  } else {
    ids.add(cell.id);
  }
  if (!isObject(cell.metadata)) problems.push(`${where}.metadata is not an object`);
  if (!isMultiline(cell.source)) problems.push(`${where}.source is not a string or list of strings`);

  const allowed: Record<string, string[]> = {
    code: ['id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count'],
    markdown: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
    raw: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
  };
  const keys = allowed[String(cell.cell_type)];
  if (!keys) {
    problems.push(`${where}.cell_type ${JSON.stringify(cell.cell_type)} is not code, markdown or raw`);
    return;
  }
  for (const key of Object.keys(cell)) {
    if (!keys.includes(key)) problems.push(`${where} has a property "${key}" that nbformat does not allow`);
  }
  if (cell.cell_type !== 'code') return;

  if (!(cell.execution_count === null || Number.isInteger(cell.execution_count))) {
    problems.push(`${where}.execution_count is not an integer or null`);
  }
  if (!Array.isArray(cell.outputs)) {
    problems.push(`${where}.outputs is not a list`);
    return;
  }
  cell.outputs.forEach((output: unknown, index: number) => checkOutput(output, `${where}.outputs[${index}]`, problems));
}

function checkOutput(output: unknown, where: string, problems: string[]): void {
  if (!isObject(output)) {
    problems.push(`${where} is not an object`);
    return;
  }
  const required: Record<string, string[]> = {
    stream: ['output_type', 'name', 'text'],
    display_data: ['output_type', 'data', 'metadata'],
    execute_result: ['output_type', 'execution_count', 'data', 'metadata'],
    error: ['output_type', 'ename', 'evalue', 'traceback'],
  };
  const keys = required[String(output.output_type)];
  if (!keys) {
    problems.push(`${where}.output_type ${JSON.stringify(output.output_type)} is unknown`);
    return;
  }
  for (const key of keys) {
    if (!(key in output)) problems.push(`${where} is missing "${key}"`);
  }
  for (const key of Object.keys(output)) {
    if (!keys.includes(key)) problems.push(`${where} has a property "${key}" that nbformat does not allow`);
  }

  switch (output.output_type) {
    case 'stream':
      if (typeof output.name !== 'string') problems.push(`${where}.name is not a string`);
      if (!isMultiline(output.text)) problems.push(`${where}.text is not a string or list of strings`);
      break;
    case 'execute_result':
      if (!(output.execution_count === null || Number.isInteger(output.execution_count))) {
        problems.push(`${where}.execution_count is not an integer or null`);
      }
      checkBundle(output, where, problems);
      break;
    case 'display_data':
      checkBundle(output, where, problems);
      break;
    case 'error':
      if (typeof output.ename !== 'string') problems.push(`${where}.ename is not a string`);
      if (typeof output.evalue !== 'string') problems.push(`${where}.evalue is not a string`);
      if (!Array.isArray(output.traceback) || !output.traceback.every((line: unknown) => typeof line === 'string')) {
        problems.push(`${where}.traceback is not a list of strings`);
      }
      break;
  }
}

function checkBundle(output: Record<string, unknown>, where: string, problems: string[]): void {
  if (!isObject(output.data)) {
    problems.push(`${where}.data is not an object`);
    return;
  }
  if (!isObject(output.metadata)) problems.push(`${where}.metadata is not an object`);
  for (const [mime, value] of Object.entries(output.data)) {
    const isJson = mime === 'application/json' || mime.endsWith('+json');
    if (!isJson && !isMultiline(value)) problems.push(`${where}.data["${mime}"] is not a string or list of strings`);
  }
}

function isMultiline(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((line) => typeof line === 'string'));
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
