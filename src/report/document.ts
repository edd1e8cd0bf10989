/** A heading of the report, as listed in the table of contents. */
export interface HeadingEntry {
  /** Heading level after any shift, 1–6. */
  level: number;
  /** Section number such as `2.1`, or '' for headings deeper than `NUMBERED_LEVELS`. */
  sectionNumber: string;
  /** Plain text of the heading. */
  text: string;
  /** Element id, unique in the document. */
  id: string;
}

/** Headings up to this level get section numbers and appear in the table of contents. */
export const NUMBERED_LEVELS = 3;

/** Element ids that the report's own structure uses; headings never take them. */
const RESERVED_IDS = new Set([
  'contents', 'summary', 'summary-section', 'appendix', 'appendix-reproducibility', 'syngan-run-records', 'plotly-js',
]);
const RESERVED_ID_PATTERN = /^(figure|table|notebook|plotly|plotly-spec)-\d+$/;

/**
 * State shared while one report is rendered: the headings for the table of contents, the ids
 * already used, and the figure and table counters.
 */
export class DocumentState {
  readonly headings: HeadingEntry[] = [];
  figureCount = 0;
  tableCount = 0;
  plotlyFigureCount = 0;

  private readonly usedIds = new Set<string>();
  private readonly sectionCounters: number[] = [0, 0, 0, 0, 0, 0];

  /** Returns an id derived from `text` that no other element of the document has. */
  uniqueId(text: string, fallback = 'section'): string {
    const base =
      text
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || fallback;
    let id = base;
    for (let suffix = 2; this.usedIds.has(id) || RESERVED_IDS.has(id) || RESERVED_ID_PATTERN.test(id); suffix += 1) {
      id = `${base}-${suffix}`;
    }
    this.usedIds.add(id);
    return id;
  }

  /** Records a heading, numbering it when its level is at most `NUMBERED_LEVELS`. */
  addHeading(level: number, text: string): HeadingEntry {
    let sectionNumber = '';
    if (level <= NUMBERED_LEVELS) {
      this.sectionCounters[level - 1] += 1;
      for (let deeper = level; deeper < this.sectionCounters.length; deeper += 1) this.sectionCounters[deeper] = 0;
      sectionNumber = this.sectionCounters
        .slice(0, level)
        .map((count) => String(count))
        .join('.');
    }
    const entry: HeadingEntry = { level, sectionNumber, text, id: this.uniqueId(text) };
    this.headings.push(entry);
    return entry;
  }

  /**
   * Records a heading that is listed in the table of contents but not numbered (summary,
   * appendix). An explicit `id` should be one of the reserved ids, which headings never take.
   */
  addUnnumberedHeading(level: number, text: string, id?: string): HeadingEntry {
    const entry: HeadingEntry = { level, sectionNumber: '', text, id: id ?? this.uniqueId(text) };
    if (id) this.usedIds.add(id);
    this.headings.push(entry);
    return entry;
  }
}
