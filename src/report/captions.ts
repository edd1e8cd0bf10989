import { isObject, joinMultiline, type MimeBundle, type NotebookCell } from './nbformat';

/**
 * MIME type of a caption in a notebook output. The value is JSON `{"caption": "..."}` or a
 * plain string, stored either parsed or as JSON text (tslab's `display.raw` sends text).
 *
 * Caption convention. Every figure (an image output or a plotly figure) and every table (an HTML
 * output containing a `<table>`) gets a number in document order. Its caption comes from the
 * first of these that is set:
 * 1. the output's metadata, `metadata.syngan.caption` or `metadata.caption`;
 * 2. a `CAPTION_MIME` entry in the figure's own MIME bundle;
 * 3. a caption output, that is a `display_data` whose bundle holds only `CAPTION_MIME`. It labels
 *    the next figure or table of the same cell, or, at the end of the cell, the last one before
 *    it that has no caption. From a tslab notebook:
 *    `display.raw('application/vnd.syngan.caption+json', JSON.stringify({ caption: 'FID per epoch' }))`
 *    right before the figure is displayed (tslab's display API cannot set output metadata, and
 *    each of its calls sends a bundle with a single MIME type);
 * 4. the cell's metadata `syngan.caption`: a string labels the cell's first figure or table, an
 *    array labels them in order. JupyterLab's cell metadata editor can set it.
 * Captions are inline markdown (emphasis, code); raw HTML in them shows as text.
 */
export const CAPTION_MIME = 'application/vnd.syngan.caption+json';

/** Returns the MIME bundle of a caption output, for kernels that can send a whole bundle. */
export function captionBundle(caption: string): MimeBundle {
  return { [CAPTION_MIME]: { caption } };
}

/** Reads a caption from a `CAPTION_MIME` value; null when the value contains none. */
export function parseCaptionValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  let parsed: unknown = value;
  if (typeof value === 'string' || Array.isArray(value)) {
    const text = joinMultiline(value);
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (typeof parsed === 'string') return parsed.trim() || null;
  if (isObject(parsed) && typeof parsed.caption === 'string') return parsed.caption.trim() || null;
  return null;
}

/** Reads a caption from output metadata (`syngan.caption` or `caption`); null when absent. */
export function captionFromOutputMetadata(metadata: unknown): string | null {
  if (!isObject(metadata)) return null;
  if (isObject(metadata.syngan) && typeof metadata.syngan.caption === 'string') return metadata.syngan.caption.trim() || null;
  if (typeof metadata.caption === 'string') return metadata.caption.trim() || null;
  return null;
}

/** Reads the captions set in a cell's metadata (`syngan.caption`), in figure/table order. */
export function captionsFromCellMetadata(cell: NotebookCell): string[] {
  const syngan = isObject(cell.metadata) ? cell.metadata.syngan : undefined;
  if (!isObject(syngan)) return [];
  const caption = syngan.caption;
  if (typeof caption === 'string') return [caption.trim()];
  if (Array.isArray(caption)) return caption.map((item) => (typeof item === 'string' ? item.trim() : ''));
  return [];
}

/** True when a bundle is only a caption (the caption output of rule 3). */
export function isCaptionOnlyBundle(bundle: MimeBundle): boolean {
  const keys = Object.keys(bundle);
  return keys.length > 0 && keys.every((key) => key === CAPTION_MIME || key === 'text/plain') && CAPTION_MIME in bundle;
}
