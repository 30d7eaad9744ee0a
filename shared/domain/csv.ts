/**
 * CSV as spreadsheets write it (RFC 4180 and what Excel, Numbers, LibreOffice and Google Sheets
 * actually produce), pure: reading in pieces with the byte offset of every record, so an import can
 * stop after any record and resume from that offset with a ranged read; and writing cells that a
 * spreadsheet shows as written (never runs as a formula).
 *
 * Reading works on bytes, not decoded text: every character the syntax cares about (`"`, the
 * delimiter, CR, LF) is ASCII, and UTF-8 never uses those bytes inside a multi-byte character, so
 * offsets are exact byte positions in the file and a resumed read decodes the same cells.
 */

/** A record bigger than this is not a row anyone typed: an unclosed quote swallowing the file. */
export const maxRecordBytes = 64 * 1024;

export type Delimiter = ',' | ';';

/** One record: the cells as text, where it starts and ends in the file, and its row number. */
export interface CsvRecord {
  /** The row as a spreadsheet numbers it: the header is row 1 (a cell with line breaks is one row). */
  row: number;
  /** Byte offset of the record's first byte in the file. */
  start: number;
  /** Byte offset just after the record (its line break included): where the next one starts. */
  end: number;
  cells: string[];
  /** A cell was not valid UTF-8 (decoded with U+FFFD). */
  badEncoding: boolean;
}

/** The structure of the file is broken from `row` on (an unclosed quote, a runaway record). */
export class CsvStructureError extends Error {
  readonly row: number;
  readonly code: 'record_too_large' | 'unclosed_quote';
  constructor(code: 'record_too_large' | 'unclosed_quote', row: number, message: string) {
    super(message);
    this.name = 'CsvStructureError';
    this.code = code;
    this.row = row;
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** What the first bytes of a file say it is, when it is not CSV text a person can fix by saving as CSV. */
export const notCsvReason = (head: Uint8Array): string | undefined => {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04))
    return 'This is a ZIP archive (an Excel .xlsx or .ods workbook?): save it as "CSV UTF-8" and upload that';
  if (starts(0xd0, 0xcf, 0x11, 0xe0))
    return 'This is an Excel 97–2003 workbook (.xls): save it as "CSV UTF-8" and upload that';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'This is a PDF, not CSV';
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff))
    return 'This file is UTF-16 text ("Unicode text" in Excel): save it as "CSV UTF-8" and upload that';
  if (starts(0x1f, 0x8b)) return 'This file is gzip-compressed: upload the CSV itself';
  const scan = Math.min(head.length, 8192);
  for (let i = 0; i < scan; i++) if (head[i] === 0) return 'This file holds binary data, not CSV text';
  return undefined;
};

/** The length of a UTF-8 byte order mark at the start, if there is one. */
export const bomLength = (head: Uint8Array): number =>
  head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;

/**
 * The delimiter of a file from its first line: the more frequent of `,` and `;` outside quotes
 * (Excel writes `;` where the decimal separator is a comma, as in Sweden or Germany).
 */
export const detectDelimiter = (head: Uint8Array): Delimiter => {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b === QUOTE) quoted = !quoted;
    else if (!quoted && (b === LF || b === CR)) break;
    else if (!quoted && b === 0x2c) commas++;
    else if (!quoted && b === 0x3b) semicolons++;
  }
  return semicolons > commas ? ';' : ',';
};

/**
 * Reads records from bytes given in pieces of any size. `push` returns the records completed by a
 * piece; `finish` the last one (a file need not end with a line break). Blank lines are skipped.
 * `firstRow` and `offset` say where in the file the first byte given is (a resumed read).
 */
export class CsvReader {
  private readonly delimiter: number;
  private pending: Buffer = Buffer.alloc(0);
  /** File offset of pending[0]. */
  private base: number;
  private row: number;

  constructor(options: { delimiter: Delimiter; offset?: number; firstRow?: number }) {
    this.delimiter = options.delimiter.charCodeAt(0);
    this.base = options.offset ?? 0;
    this.row = options.firstRow ?? 1;
  }

  /** The file offset up to which every record has been returned. */
  get offset(): number {
    return this.base;
  }

  /** The row number the next record will have. */
  get nextRow(): number {
    return this.row;
  }

  push(chunk: Uint8Array): CsvRecord[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    return this.drain(false);
  }

  finish(): CsvRecord[] {
    return this.drain(true);
  }

  private drain(final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    const buf = this.pending;
    let pos = 0;
    for (;;) {
      const parsed = this.parseOne(buf, pos, final);
      if (!parsed) break;
      pos = parsed.next;
      if (parsed.record) out.push(parsed.record);
      if (pos >= buf.length) break;
    }
    this.pending = buf.subarray(pos);
    this.base += pos;
    if (!final && this.pending.length > maxRecordBytes) {
      throw new CsvStructureError(
        'record_too_large',
        this.row,
        `Row ${this.row} is longer than ${maxRecordBytes / 1024} KB: probably a quote (") that is never closed`,
      );
    }
    if (final && this.pending.length) {
      throw new CsvStructureError(
        'unclosed_quote',
        this.row,
        `Row ${this.row} opens a quote (") that is never closed`,
      );
    }
    return out;
  }

  /**
   * One record from `from`, or undefined when the bytes end before it does (more are needed).
   * A blank line yields `{next}` without a record.
   */
  private parseOne(
    buf: Buffer,
    from: number,
    final: boolean,
  ): { record?: CsvRecord; next: number } | undefined {
    const d = this.delimiter;
    const cells: string[] = [];
    let badEncoding = false;
    let i = from;
    let lines = 0;
    const cell = (start: number, end: number, quoted: boolean) => {
      let text = buf.toString('utf8', start, end);
      if (quoted && text.includes('""')) text = text.replaceAll('""', '"');
      if (text.includes('\uFFFD')) badEncoding = true;
      cells.push(text);
    };
    for (;;) {
      if (i >= buf.length) {
        if (!final) return undefined;
        // The last record of a file without a final line break.
        if (i === from && !cells.length) return undefined;
        cell(i, i, false);
        break;
      }
      if (buf[i] === QUOTE) {
        // A quoted cell: up to the quote that is not doubled.
        let j = i + 1;
        let closed = -1;
        while (j < buf.length) {
          const q = buf.indexOf(QUOTE, j);
          if (q < 0) break;
          if (buf[q + 1] === QUOTE) {
            j = q + 2;
            continue;
          }
          if (q + 1 >= buf.length && !final) break;
          closed = q;
          break;
        }
        if (closed < 0) return undefined;
        for (let k = i + 1; k < closed; k++) if (buf[k] === LF) lines++;
        // Text after the closing quote and before the delimiter is kept, as spreadsheets do.
        let after = closed + 1;
        while (after < buf.length && buf[after] !== d && buf[after] !== LF && buf[after] !== CR) after++;
        if (after >= buf.length && !final) return undefined;
        cell(i + 1, closed, true);
        if (after > closed + 1) cells[cells.length - 1] += buf.toString('utf8', closed + 1, after);
        i = after;
      } else {
        let j = i;
        while (j < buf.length && buf[j] !== d && buf[j] !== LF && buf[j] !== CR) j++;
        if (j >= buf.length && !final) return undefined;
        cell(i, j, false);
        i = j;
      }
      if (i >= buf.length) break;
      if (buf[i] === d) {
        i++;
        if (i >= buf.length && final) {
          cells.push('');
          break;
        }
        continue;
      }
      // A line break ends the record: LF, CRLF or a lone CR.
      if (buf[i] === CR) {
        if (i + 1 >= buf.length && !final) return undefined;
        i += buf[i + 1] === LF ? 2 : 1;
      } else i++;
      break;
    }
    const start = this.base + from;
    const next = i;
    if (next - from > maxRecordBytes) {
      throw new CsvStructureError(
        'record_too_large',
        this.row,
        `Row ${this.row} is longer than ${maxRecordBytes / 1024} KB: probably a quote (") that is never closed`,
      );
    }
    if (cells.length === 1 && cells[0] === '') {
      // A blank line: no record, but it is a row of the sheet.
      this.row += 1 + lines;
      return { next };
    }
    const record: CsvRecord = { row: this.row, start, end: this.base + next, cells, badEncoding };
    this.row += 1 + lines;
    return { record, next };
  }
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet shows as written: one starting with `=`, `+`, `-`, `@`, tab or CR gets a
 * leading `'`, which Excel, LibreOffice and Google Sheets take as "this is text".
 */
export const safeCell = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);

/** A cell quoted as RFC 4180 says when it must be: delimiter, quote, CR or LF inside. */
export const quoteCell = (value: string): string =>
  /[",\r\n;]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** One CSV line (CRLF-terminated) of cells, escaped against formulas and quoted where needed. */
export const csvLine = (cells: ReadonlyArray<string | number | boolean | null | undefined>): string =>
  `${cells.map((c) => quoteCell(safeCell(c === null || c === undefined ? '' : String(c)))).join(',')}\r\n`;

/** The byte order mark that makes Excel read a CSV file as UTF-8. */
export const utf8Bom = '\uFEFF';

/**
 * True when an imported cell would run as a formula in a spreadsheet later: it starts with `=` or
 * `@` (or a tab/CR), or with `+`/`-` followed by something other than a number or a phone number.
 */
export const looksLikeFormula = (value: string): boolean => {
  if (/^[=@\t\r]/.test(value)) return true;
  if (/^[+-]/.test(value)) return !/^[+-][\d\s().\-/]*$/.test(value);
  return false;
};
