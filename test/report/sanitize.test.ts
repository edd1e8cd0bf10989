import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyCarriageReturns, jsonForScript, stripAnsi } from '../../src/report/escape';
import { sanitizeTableHtml } from '../../src/report/sanitize';

const CASES: [string, string, string][] = [
  ['plain table', '<table><tr><td>1</td></tr></table>', '<table><tr><td>1</td></tr></table>'],
  ['pandas styling', '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th>a</th></tr></thead></table>', '<table><thead><tr><th>a</th></tr></thead></table>'],
  ['stray closing tags', '<table><tr><td>a</td></tr></table></div></section></main>', '<table><tr><td>a</td></tr></table>'],
  ['unclosed upper case', '<TABLE><TR><TD ONCLICK=x>1', '<table><tr><td>1</td></tr></table>'],
  ['event handler on newline', '<td\nonmouseover="x()" colspan=2>c</td>', '<td colspan="2">c</td>'],
  ['split script tag', '<scr<script>ipt>alert(1)</script>', 'ipt&gt;alert(1)'],
  ['script element', 'a<script>alert("</td>")</script>b', 'ab'],
  ['unterminated script', 'a<script>alert(1)', 'a'],
  ['image with onerror', '<img src=x onerror=alert(1)>ok', 'ok'],
  ['javascript link', '<a href="javascript:alert(1)">x</a>', 'x'],
  ['external link', '<a href="https://example.invalid/">x</a>', 'x'],
  ['style url', '<td style="background:url(http://example.invalid/a.png)">v</td>', '<td>v</td>'],
  ['style element', '<style>td{background:url(http://example.invalid/a.png)}</style>t', 't'],
  ['comment', '<!-- <script>alert(1)</script> -->t', 't'],
  ['svg with script', '<svg><script>alert(1)</script><image href="http://example.invalid/x"/></svg>t', 't'],
  ['iframe', '<iframe src="http://example.invalid/"></iframe>t', 't'],
  ['void embed keeps what follows', '<embed src="http://example.invalid/x.swf">after<object data="x"></object>t', 'aftert'],
  ['textarea hides markup', '<textarea><table></textarea>t', 't'],
  ['invalid colspan', '<td colspan="2;x" rowspan="3">v</td>', '<td rowspan="3">v</td>'],
  ['duplicate attribute', '<td colspan="2" colspan="5">v</td>', '<td colspan="2">v</td>'],
  ['bare less-than and ampersand', '1 < 2 & 3 > 0', '1 &lt; 2 &amp; 3 &gt; 0'],
  ['entities kept', 'a&nbsp;b &amp; &#169; &#x3c;', 'a&nbsp;b &amp; &#169; &#x3c;'],
  ['unterminated tag', 'x<table', 'x<table></table>'],
  ['doctype and processing instruction', '<!DOCTYPE html><?xml version="1.0"?>t', 't'],
  ['inline formatting', '<td><b>1</b><br><code>x</code><sub>2</sub></td>', '<td><b>1</b><br><code>x</code><sub>2</sub></td>'],
];

test('sanitizer cases', () => {
  for (const [name, input, expected] of CASES) {
    assert.equal(sanitizeTableHtml(input), expected, name);
  }
});

test('sanitizer output has no URL', () => {
  const hostile = CASES.map(([, input]) => input).join('\n');
  const clean = sanitizeTableHtml(hostile);
  assert.doesNotMatch(clean, /<(script|img|a|svg|iframe|style)\b/i);
  assert.doesNotMatch(clean, /\s(on\w+|src|href|style)=/i);
});

test('stripAnsi removes escape codes', () => {
  assert.equal(stripAnsi('\u001b[1;31mError\u001b[0m: x'), 'Error: x');
  assert.equal(stripAnsi('\u001b]8;;http://example.invalid\u0007link\u001b]8;;\u0007'), 'link');
  assert.equal(stripAnsi('a\u001b[2Kb\u001b[1Ac'), 'abc');
});

test('carriage returns overwrite lines', () => {
  assert.equal(applyCarriageReturns('10%\r50%\r100%\ndone'), '100%\ndone');
  assert.equal(applyCarriageReturns('abcdef\rxy'), 'xycdef');
  assert.equal(applyCarriageReturns('line\r\nnext'), 'line\nnext');
  assert.equal(applyCarriageReturns('kept\r'), 'kept');
});

test('jsonForScript escapes script end', () => {
  const value = { text: '</script><!-- & \u2028' };
  const encoded = jsonForScript(value);
  assert.doesNotMatch(encoded, /[<>&\u2028]/);
  assert.deepEqual(JSON.parse(encoded), value);
});
