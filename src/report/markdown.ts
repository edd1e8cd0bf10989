import fs from 'node:fs';
import path from 'node:path';

import MarkdownIt from 'markdown-it';

import type { DocumentState } from './document';
import { escapeHtml } from './escape';
import type { MimeBundle } from './nbformat';
import { imageDataUri, IMAGE_MIME_TYPES } from './images';

/** Per-cell context of the markdown renderer. */
export interface MarkdownEnv {
  doc: DocumentState;
  /** Added to every heading level (the result is kept within 1–6), e.g. 1 under a given title. */
  headingShift: number;
  /** Folder of the notebook, for relative image paths. */
  notebookDir: string;
  /** Attachments of the markdown cell (`![](attachment:NAME)`). */
  attachments?: Record<string, MimeBundle>;
  /** HTML to insert once, after the next heading (the notebook's details under its title). */
  afterHeading?: { html: string };
  /** Open links, so that `link_close` can close what `link_open` rendered. */
  linkStack?: (string | null)[];
}

/** Maximum size in bytes of an image file that a relative markdown image path may inline. */
const MAX_INLINE_IMAGE_BYTES = 20 * 1024 * 1024;

const IMAGE_EXTENSIONS: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

/**
 * Creates the markdown renderer for notebook text. Raw HTML is off, so it shows as text.
 * Headings get ids and section numbers and go into the table of contents. A link keeps its
 * `href` only when it points inside the report (`#…`); other links show their URL as text.
 * Images become data URIs (from cell attachments or files next to the notebook) or a note, so
 * the output never refers to a URL.
 */
export function createMarkdownRenderer(): MarkdownIt {
  // The typographer stays off because it would turn `--force` in prose into an en dash.
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const rules = md.renderer.rules;

  rules.heading_open = (tokens, idx, _options, env: MarkdownEnv) => {
    const token = tokens[idx];
    const level = shiftedLevel(token.tag, env);
    const inline = tokens[idx + 1];
    const text = (inline?.children ?? [])
      .filter((child) => child.type === 'text' || child.type === 'code_inline')
      .map((child) => child.content)
      .join('')
      .trim();
    const heading = env.doc.addHeading(level, text);
    const number = heading.sectionNumber ? `<span class="section-number">${heading.sectionNumber}</span> ` : '';
    return `<h${level} id="${escapeHtml(heading.id)}">${number}`;
  };

  rules.heading_close = (tokens, idx, _options, env: MarkdownEnv) => {
    const after = env.afterHeading?.html ?? '';
    if (env.afterHeading) env.afterHeading.html = '';
    return `</h${shiftedLevel(tokens[idx].tag, env)}>\n${after}`;
  };

  rules.link_open = (tokens, idx, options, env: MarkdownEnv, self) => {
    const href = tokens[idx].attrGet('href') ?? '';
    env.linkStack = env.linkStack ?? [];
    if (href.startsWith('#')) {
      env.linkStack.push(null);
      return self.renderToken(tokens, idx, options);
    }
    env.linkStack.push(href);
    return '<span class="link">';
  };

  rules.link_close = (tokens, idx, options, env: MarkdownEnv, self) => {
    const href = env.linkStack?.pop();
    if (href === null || href === undefined) return self.renderToken(tokens, idx, options);
    const urlText = /^(https?:|mailto:)/i.test(href) ? ` <span class="link-url">⟨${escapeHtml(href)}⟩</span>` : '';
    return `</span>${urlText}`;
  };

  rules.image = (tokens, idx, options, env: MarkdownEnv, self) => {
    const token = tokens[idx];
    const src = token.attrGet('src') ?? '';
    const alt = self.renderInlineAsText(token.children ?? [], options, env);
    const dataUri = resolveMarkdownImage(src, env);
    if (!dataUri) {
      return `<span class="missing-image">[image not embedded: ${escapeHtml(alt || src)}]</span>`;
    }
    return `<img class="markdown-image" src="${dataUri}" alt="${escapeHtml(alt)}">`;
  };

  return md;
}

function shiftedLevel(tag: string, env: MarkdownEnv): number {
  return Math.max(1, Math.min(6, Number(tag.slice(1)) + env.headingShift));
}

/** Returns a data URI for a markdown image source, or null when it cannot be embedded. */
function resolveMarkdownImage(src: string, env: MarkdownEnv): string | null {
  if (src.startsWith('attachment:')) {
    const name = decodeURIComponentSafe(src.slice('attachment:'.length));
    const bundle = env.attachments?.[name];
    if (!bundle) return null;
    for (const mime of IMAGE_MIME_TYPES) {
      if (bundle[mime] !== undefined) return imageDataUri(mime, bundle[mime]);
    }
    return null;
  }

  const dataMatch = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]*)$/i.exec(src);
  if (dataMatch) return imageDataUri(dataMatch[1].toLowerCase(), dataMatch[2]);

  // A relative path without a scheme (`figures/grid.png`), read from the notebook's folder.
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/') || src.startsWith('\\')) return null;
  const mime = IMAGE_EXTENSIONS[path.extname(src.split(/[?#]/)[0]).toLowerCase()];
  if (!mime) return null;
  const file = path.resolve(env.notebookDir, decodeURIComponentSafe(src.split(/[?#]/)[0]));
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_INLINE_IMAGE_BYTES) return null;
    return imageDataUri(mime, fs.readFileSync(file).toString('base64'));
  } catch {
    return null;
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
