import { joinMultiline } from './nbformat';

/** Image MIME types the report embeds, in order of preference when a bundle has several. */
export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'] as const;

/**
 * Builds a `data:` URI for an image from a MIME bundle value. Binary images are base64 text in
 * nbformat (one string or an array of lines), SVG is stored as markup and is base64-encoded here.
 * Returns null when the value is not valid base64, so nothing else can reach the attribute.
 * An SVG shown through `<img>` runs no script and loads no external resource.
 */
export function imageDataUri(mime: string, value: unknown): string | null {
  if (mime === 'image/svg+xml') {
    const markup = joinMultiline(value);
    if (!markup) return null;
    return `data:image/svg+xml;base64,${Buffer.from(markup, 'utf8').toString('base64')}`;
  }

  const base64 = joinMultiline(value).replace(/\s+/g, '');
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  return `data:${mime};base64,${base64}`;
}
