import fs from 'node:fs';
import path from 'node:path';

import { writeFileAtomic } from '../core/files';
import { printPdf, type PrintPdfOptions, type PrintPdfResult } from './pdf';

export interface WriteReportOptions extends PrintPdfOptions {
  /** Also print `report.pdf` with headless Chromium. */
  pdf: boolean;
}

export interface WrittenReport {
  htmlPath: string;
  /** Set when `pdf` was requested. */
  pdf?: PrintPdfResult;
}

/**
 * Writes `report.html` into `outDir` and, when `pdf` is set, prints it to `report.pdf`. Both
 * files are written atomically. With `pdf`, the HTML is printed from a temporary file and
 * renamed into place only after the PDF is written, so a failed print leaves the previous
 * report.html and report.pdf as they were.
 */
export async function writeReport(outDir: string, html: string, options: WriteReportOptions): Promise<WrittenReport> {
  const htmlPath = path.join(outDir, 'report.html');
  if (!options.pdf) {
    writeFileAtomic(htmlPath, html);
    return { htmlPath };
  }

  // Chromium picks the file type from the extension, so the pending file must end in .html.
  const pendingHtmlPath = path.join(outDir, `.report-pending-${process.pid}.html`);
  writeFileAtomic(pendingHtmlPath, html);
  try {
    const pdf = await printPdf(pendingHtmlPath, path.join(outDir, 'report.pdf'), options);
    fs.renameSync(pendingHtmlPath, htmlPath);
    return { htmlPath, pdf };
  } finally {
    fs.rmSync(pendingHtmlPath, { force: true });
  }
}
