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
 * files are written atomically, so an interrupted run leaves the previous report in place.
 */
export async function writeReport(outDir: string, html: string, options: WriteReportOptions): Promise<WrittenReport> {
  const htmlPath = path.join(outDir, 'report.html');
  writeFileAtomic(htmlPath, html);
  if (!options.pdf) return { htmlPath };

  const pdf = await printPdf(htmlPath, path.join(outDir, 'report.pdf'), options);
  return { htmlPath, pdf };
}
