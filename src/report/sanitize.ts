import { escapeHtml } from './escape';

/**
 * Tags kept by `sanitizeTableHtml`: tables and the inline formatting found in their cells. Every
 * other tag is removed (its text stays), and the tags in `DROPPED_WITH_CONTENT` are removed
 * together with their content.
 */
const ALLOWED_TAGS = new Set([
  'table', 'caption', 'colgroup', 'col', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
  'b', 'strong', 'i', 'em', 'u', 's', 'code', 'sub', 'sup', 'small', 'span', 'br', 'p', 'div',
  'ul', 'ol', 'li', 'pre',
]);

const VOID_TAGS = new Set(['br', 'col', 'img', 'hr', 'input', 'meta', 'link', 'base', 'area', 'source', 'wbr', 'embed', 'param', 'track']);

const DROPPED_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'object', 'noscript', 'template', 'textarea', 'title',
  'xmp', 'svg', 'math', 'head', 'frameset', 'noembed', 'noframes', 'select',
]);

/** Allowed attributes and the pattern their value must match; no attribute can hold a URL. */
const ALLOWED_ATTRIBUTES: Record<string, RegExp> = {
  colspan: /^\d{1,3}$/,
  rowspan: /^\d{1,3}$/,
  span: /^\d{1,3}$/,
  align: /^(left|right|center|justify|char)$/i,
  valign: /^(top|middle|bottom|baseline)$/i,
  scope: /^(row|col|rowgroup|colgroup)$/i,
  title: /^[^<>]{0,200}$/,
};

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: [string, string][];
  end: number;
}

/**
 * Sanitises HTML from a notebook output for inclusion in the report. The input is tokenised and
 * written out again, and only table tags and inline formatting with a few numeric or enumerated
 * attributes survive. Scripts, styles, event handlers (`on*`), links and every URL attribute
 * (`src`, `href`, `style`) are dropped. The result is well nested, so it cannot close the
 * report's own elements. Text keeps its entities, and a stray `<` or `&` is escaped.
 */
export function sanitizeTableHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  let i = 0;

  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += escapeText(html.slice(i));
      break;
    }
    out += escapeText(html.slice(i, lt));
    i = lt;

    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<!', i) || html.startsWith('<?', i)) {
      const end = html.indexOf('>', i);
      i = end < 0 ? html.length : end + 1;
      continue;
    }

    const tag = parseTag(html, i);
    if (!tag) {
      out += '&lt;';
      i += 1;
      continue;
    }
    i = tag.end;

    if (!tag.closing && DROPPED_WITH_CONTENT.has(tag.name)) {
      if (!tag.selfClosing) i = skipElementContent(html, i, tag.name);
      continue;
    }
    if (!ALLOWED_TAGS.has(tag.name)) continue;

    if (tag.closing) {
      const index = open.lastIndexOf(tag.name);
      if (index < 0) continue;
      while (open.length > index) out += `</${open.pop()}>`;
      continue;
    }

    out += `<${tag.name}${renderAttributes(tag.attributes)}>`;
    if (!VOID_TAGS.has(tag.name)) open.push(tag.name);
  }

  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** True when the HTML contains a `<table` start tag (case-insensitive). */
export function containsTable(html: string): boolean {
  return /<table[\s>/]/i.test(html);
}

function escapeText(text: string): string {
  return text
    .replace(/&(?!(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function renderAttributes(attributes: [string, string][]): string {
  let out = '';
  const seen = new Set<string>();
  for (const [name, value] of attributes) {
    const pattern = ALLOWED_ATTRIBUTES[name];
    if (!pattern || seen.has(name) || !pattern.test(value)) continue;
    seen.add(name);
    out += ` ${name}="${escapeHtml(value)}"`;
  }
  return out;
}

/** Parses the tag starting at `html[start] === '<'`; null when it is not a tag (a literal `<`). */
function parseTag(html: string, start: number): Tag | null {
  let i = start + 1;
  const closing = html[i] === '/';
  if (closing) i += 1;

  const nameMatch = /^[a-zA-Z][a-zA-Z0-9:-]*/.exec(html.slice(i, i + 64));
  if (!nameMatch) return null;
  const name = nameMatch[0].toLowerCase();
  i += nameMatch[0].length;

  const attributes: [string, string][] = [];
  let selfClosing = false;
  while (i < html.length) {
    while (i < html.length && /[\s/]/.test(html[i])) {
      if (html[i] === '/' && html[i + 1] === '>') selfClosing = true;
      i += 1;
    }
    if (i >= html.length) break;
    if (html[i] === '>') {
      i += 1;
      return { name, closing, selfClosing, attributes, end: i };
    }

    const attrMatch = /^[^\s/>=]+/.exec(html.slice(i, i + 256));
    const attrName = attrMatch ? attrMatch[0].toLowerCase() : html[i];
    i += attrName.length;
    while (i < html.length && /\s/.test(html[i])) i += 1;

    let value = '';
    if (html[i] === '=') {
      i += 1;
      while (i < html.length && /\s/.test(html[i])) i += 1;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const end = html.indexOf(quote, i + 1);
        const stop = end < 0 ? html.length : end;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueMatch = /^[^\s>]*/.exec(html.slice(i));
        value = valueMatch ? valueMatch[0] : '';
        i += value.length;
      }
    }
    attributes.push([attrName, value.trim()]);
  }

  // The input ended inside the tag: treat everything from `start` as consumed.
  return { name, closing, selfClosing, attributes, end: html.length };
}

/** Returns the index just after the end tag `</name>` (case-insensitive), or the input's end. */
function skipElementContent(html: string, from: number, name: string): number {
  const pattern = new RegExp(`</${name}[\\s/>]`, 'ig');
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  if (!match) return html.length;
  const close = html.indexOf('>', match.index);
  return close < 0 ? html.length : close + 1;
}
