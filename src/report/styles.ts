/**
 * Style sheet of the report: a single-column academic layout on screen and A4 pages in print,
 * with booktabs-style tables, figures kept on one page where possible, and code cells hidden
 * in print unless they were opened. Page numbers come from the PDF printer's footer.
 */
export const REPORT_CSS = `
:root {
  --text: #1a1a1a;
  --muted: #5f6368;
  --rule: #1a1a1a;
  --faint: #e3e3e3;
  --accent: #1f3b73;
  --code-bg: #f6f7f9;
  --error: #a61b1b;
}
* { box-sizing: border-box; }
html { font-size: 10.5pt; }
body {
  margin: 0 auto;
  max-width: 178mm;
  padding: 16mm 0 24mm;
  color: var(--text);
  background: #fff;
  font-family: "Latin Modern Roman", "Libertinus Serif", "TeX Gyre Pagella", "Palatino Linotype", Georgia, "DejaVu Serif", serif;
  line-height: 1.45;
  hyphens: auto;
  text-rendering: optimizeLegibility;
  font-variant-numeric: tabular-nums;
}
h1, h2, h3, h4, h5, h6 {
  font-family: "Latin Modern Sans", "Source Sans 3", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  color: var(--accent);
  line-height: 1.2;
  margin: 1.4em 0 0.5em;
  break-after: avoid;
  page-break-after: avoid;
}
h1 { font-size: 1.6rem; }
h2 { font-size: 1.3rem; }
h3 { font-size: 1.1rem; }
h4, h5, h6 { font-size: 1rem; }
.section-number { margin-right: 0.5em; color: var(--muted); font-weight: 600; }
p { margin: 0.5em 0; text-align: justify; }
a { color: var(--accent); text-decoration: none; }
.link-url { color: var(--muted); font-size: 0.85em; word-break: break-all; }
code, pre, kbd { font-family: "Latin Modern Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
code { font-size: 0.9em; }
img { max-width: 100%; height: auto; }

/* Title block and contents */
.title-block { text-align: center; margin: 18mm 0 10mm; }
.title-block h1 { font-size: 2.1rem; margin: 0 0 0.3em; color: var(--text); }
.title-block .subtitle { font-size: 1.15rem; color: var(--muted); margin: 0 0 1.2em; text-align: center; }
.title-block .generated { font-size: 0.9rem; color: var(--muted); text-align: center; }
nav.toc { margin: 8mm 0; }
nav.toc h2 { font-size: 1.2rem; }
nav.toc ol { list-style: none; margin: 0; padding-left: 0; }
nav.toc li { margin: 0.15em 0; }
nav.toc li.toc-level-1 { margin-top: 0.45em; font-weight: 600; }
nav.toc li.toc-level-2 { padding-left: 1.6em; }
nav.toc li.toc-level-3 { padding-left: 3.2em; font-size: 0.95em; }
nav.toc a { color: var(--text); }
nav.toc .section-number { display: inline-block; min-width: 2.6em; }

.code-toggle { font-family: "DejaVu Sans", sans-serif; font-size: 0.8rem; color: var(--muted); text-align: left; }

/* Notebook sections */
section.notebook { margin-top: 10mm; }
.notebook-meta { color: var(--muted); font-size: 0.85rem; margin: -0.2em 0 0.8em; text-align: left; }
.notebook-failed {
  border: 1px solid var(--error); border-left-width: 4px; color: var(--error);
  padding: 0.5em 0.8em; margin: 0.8em 0; background: #fff6f6;
}
.markdown-cell ul, .markdown-cell ol { padding-left: 1.5em; }
blockquote { margin: 0.6em 0; padding-left: 1em; border-left: 3px solid var(--faint); color: var(--muted); }
details.cell-input { margin: 0.4em 0; }
details.cell-input > summary {
  cursor: pointer; color: var(--muted); font-size: 0.8rem; font-family: "DejaVu Sans", sans-serif;
  user-select: none;
}
pre {
  white-space: pre-wrap; word-break: break-word; overflow-wrap: anywhere;
  font-size: 0.78rem; line-height: 1.35; margin: 0.4em 0; padding: 0.5em 0.7em;
  background: var(--code-bg); border-radius: 2px;
}
pre.cell-source { border-left: 3px solid #c9d3e6; }
pre.output-stream.stderr { background: #fff8e6; }
.output-note, .missing-image { color: var(--muted); font-style: italic; font-size: 0.85rem; }
.output-error { border-left: 4px solid var(--error); background: #fff6f6; margin: 0.6em 0; padding: 0.3em 0.7em; }
.output-error .error-title { color: var(--error); font-weight: 700; margin: 0.2em 0; text-align: left; }
.output-error pre { background: transparent; padding: 0.2em 0; }
.cell-failed { border-left: 2px dashed var(--error); padding-left: 0.5em; }

/* Figures and tables */
figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
figure.report-figure { text-align: center; }
figure.report-figure img { display: block; margin: 0 auto; image-rendering: auto; }
figure.long-table { break-inside: auto; page-break-inside: auto; }
figure.long-table tr { break-inside: avoid; page-break-inside: avoid; }
figure.report-table figcaption { break-after: avoid; page-break-after: avoid; }
figcaption { font-size: 0.9rem; text-align: center; margin: 0.45em auto 0; max-width: 90%; }
figure.report-table figcaption { margin: 0 auto 0.45em; }
.caption-label { font-weight: 700; margin-right: 0.3em; }
.plotly-figure { width: 100%; min-height: 2em; }
.table-body { overflow-x: auto; }
table {
  border-collapse: collapse; margin: 0 auto; font-size: 0.85rem;
  border-top: 1.5px solid var(--rule); border-bottom: 1.5px solid var(--rule);
}
thead th, thead td { border-bottom: 0.75px solid var(--rule); }
th, td { padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.numeric, th.numeric { text-align: right; }
tbody tr + tr td { border-top: 0.5px solid var(--faint); }
.markdown-cell table { margin: 0.8em auto; }

/* Appendix */
section.appendix { margin-top: 12mm; }
table.key-values { margin: 0.4em 0 0.8em; width: 100%; }
table.key-values td:first-child { white-space: nowrap; color: var(--muted); }
table.key-values td.value, table.key-values td.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 0.78rem; word-break: break-all; }

@page { size: A4; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  .title-block { margin-top: 30mm; }
  nav.toc { break-after: page; page-break-after: always; }
  section.notebook, section.appendix, section.summary { break-before: page; page-break-before: always; margin-top: 0; }
  details.cell-input:not([open]) { display: none; }
  .code-toggle { display: none; }
  .table-body { overflow: visible; }
  pre { break-inside: auto; }
  a { color: inherit; }
}
`;
