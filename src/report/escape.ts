/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Serialises `value` as JSON that is safe inside a `<script type="application/json">` element:
 * `<`, `>`, `&` and the line separators U+2028/U+2029 become `\u` escapes, so the text can never
 * contain `</script>` or `<!--`. `JSON.parse` of the element's text returns the original value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Removes ANSI escape sequences (colours, cursor moves) from terminal text. */
export function stripAnsi(text: string): string {
  // CSI sequences (ESC [ ... final byte), OSC sequences (ESC ] ... BEL or ESC \) and
  // two-byte escapes.
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, '')
    .replace(/\u001b[@-Z\\-_]/g, '');
}

/**
 * Applies carriage returns the way a terminal shows them: text after a `\r` overwrites the line
 * from its start, so a progress bar that redraws one line shows only its final state.
 */
export function applyCarriageReturns(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const parts = line.split('\r');
      let visible = '';
      for (const part of parts) {
        visible = part + visible.slice(part.length);
      }
      return visible;
    })
    .join('\n');
}
