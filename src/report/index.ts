// The report: executed notebooks rendered into one self-contained HTML document and a PDF.
export { CAPTION_MIME, captionBundle } from './captions';
export type { Notebook, NotebookCell, NotebookOutput, MimeBundle } from './nbformat';
export { readNotebook } from './nbformat';
export type { NotebookEntry } from './notebook-section';
export { DEFAULT_CHROMIUM_PATH, printPdf, resolveChromium } from './pdf';
export type { PrintPdfOptions, PrintPdfResult } from './pdf';
export { PLOTLY_MIME } from './plotly';
export { readEmbeddedRunRecords, renderReport, RUN_RECORDS_ELEMENT_ID } from './render';
export type { RenderedReport, RenderReportOptions, ReportSummary } from './render';
export { sanitizeTableHtml } from './sanitize';
export type { MetricsTable, Reproducibility } from './sections';
export { writeReport } from './write';
export type { WriteReportOptions, WrittenReport } from './write';
