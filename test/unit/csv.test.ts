/**
 * CSV as spreadsheets write it (shared/domain/csv.ts): reading in pieces with exact offsets, and
 * writing cells that an independent parser (csv-parse) and a spreadsheet read back as written.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  bomLength,
  CsvReader,
  type CsvRecord,
  CsvStructureError,
  csvLine,
  detectDelimiter,
  looksLikeFormula,
  maxRecordBytes,
  notCsvReason,
  safeCell,
} from '#shared/domain/csv.ts';

const readAll = (text: string | Buffer, delimiter: ',' | ';' = ',', pieceSize = Number.POSITIVE_INFINITY) => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const reader = new CsvReader({ delimiter });
  const out: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += Math.min(pieceSize, bytes.length))
    out.push(...reader.push(bytes.subarray(i, Math.min(i + pieceSize, bytes.length))));
  out.push(...reader.finish());
  return out;
};

const sample =
  'email,name,note\r\nada@x.example,"Lovelace, Ada","She said ""hi""\nand left"\n\nbob@x.example,Bob,\rcleo@x.example,"Cléo",ünïcode';

describe('reading CSV', () => {
  it('reads quotes, doubled quotes, line breaks inside quotes, CRLF, LF, CR and blank lines', () => {
    const records = readAll(sample);
    expect(records.map((r) => r.cells)).toEqual([
      ['email', 'name', 'note'],
      ['ada@x.example', 'Lovelace, Ada', 'She said "hi"\nand left'],
      ['bob@x.example', 'Bob', ''],
      ['cleo@x.example', 'Cléo', 'ünïcode'],
    ]);
    // Rows as a spreadsheet numbers them: the quoted line break stays in one row, the blank line is one.
    expect(records.map((r) => r.row)).toEqual([1, 2, 5, 6]);
  });

  it('reads the same records whatever the pieces the bytes arrive in', () => {
    const whole = readAll(sample);
    for (const size of [1, 2, 3, 5, 7, 13, 64])
      expect(readAll(sample, ',', size), `pieces of ${size}`).toEqual(whole);
  });

  it('gives every record its byte offsets, so reading can resume after any record', () => {
    const bytes = Buffer.from(sample, 'utf8');
    const whole = readAll(sample);
    for (const record of whole) {
      const reader = new CsvReader({ delimiter: ',', offset: record.end, firstRow: 0 });
      const rest = [...reader.push(bytes.subarray(record.end)), ...reader.finish()];
      expect(rest.map((r) => r.cells)).toEqual(
        whole.filter((r) => r.start >= record.end).map((r) => r.cells),
      );
      expect(rest.map((r) => r.start)).toEqual(
        whole.filter((r) => r.start >= record.end).map((r) => r.start),
      );
    }
  });

  it('reads semicolons, as Excel writes them where the decimal separator is a comma', () => {
    const text = 'E-post;Förnamn;Belopp\r\nasa@x.example;Åsa;"1,5"\r\n';
    expect(detectDelimiter(Buffer.from(text))).toBe(';');
    expect(readAll(text, ';').map((r) => r.cells)).toEqual([
      ['E-post', 'Förnamn', 'Belopp'],
      ['asa@x.example', 'Åsa', '1,5'],
    ]);
  });

  it('finds a UTF-8 byte order mark, and tells files that are not CSV from those that are', () => {
    expect(bomLength(Buffer.from('\uFEFFemail\n'))).toBe(3);
    expect(bomLength(Buffer.from('email\n'))).toBe(0);
    expect(notCsvReason(Buffer.from('email\nada@x.example\n'))).toBeUndefined();
    expect(notCsvReason(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]))).toMatch(/xlsx/);
    expect(notCsvReason(Buffer.from([0xff, 0xfe, 0x65, 0]))).toMatch(/UTF-16/);
    expect(notCsvReason(Buffer.from('%PDF-1.7'))).toMatch(/PDF/);
    expect(notCsvReason(Buffer.from([0x1f, 0x8b, 8]))).toMatch(/gzip/);
    expect(notCsvReason(Buffer.from('email\u0000\n'))).toMatch(/binary/);
  });

  it('marks a row that is not valid UTF-8', () => {
    const records = readAll(
      Buffer.concat([Buffer.from('email,name\nada@x.example,'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    expect(records[1]?.badEncoding).toBe(true);
    expect(records[0]?.badEncoding).toBe(false);
  });

  it('stops at a quote never closed, with the row it opened on', () => {
    expect(() => readAll('email,name\nada@x.example,"Ada\nbob@x.example,Bob\n')).toThrow(CsvStructureError);
    let caught: unknown;
    try {
      readAll(`email,name\nada@x.example,"${'x'.repeat(maxRecordBytes + 10)}`, ',', 4096);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CsvStructureError);
    expect((caught as CsvStructureError).code).toBe('record_too_large');
    expect((caught as CsvStructureError).row).toBe(2);
  });
});

describe('writing CSV', () => {
  it('escapes cells a spreadsheet would run as formulas, and an independent parser reads every cell back', () => {
    const cells = [
      '=HYPERLINK("http://evil.example","click")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A2)',
      '\tleading tab',
      'plain',
      'comma, inside',
      'semi;colon',
      'quote " inside',
      'line\nbreak',
      'Åsa Öberg 🏳️‍🌈',
      '',
    ];
    const text = csvLine(cells) + csvLine(['second', 'row']);
    const parsed = parse(text, { relax_column_count: true }) as string[][];
    expect(parsed[0]).toEqual(cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
    expect(parsed[1]).toEqual(['second', 'row']);
    // No cell of what a spreadsheet reads starts like a formula.
    for (const cell of parsed.flat()) expect(/^[=+\-@]/.test(cell)).toBe(false);
  });

  it('leaves cells that are not formulas alone', () => {
    expect(safeCell('ada@x.example')).toBe('ada@x.example');
    expect(safeCell('=1')).toBe("'=1");
  });
});

describe('what an import takes for a formula', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', true],
    ['@SUM(A1)', true],
    ['+cmd|"/c calc"!A1', true],
    ['-2+3+cmd', true],
    ['+46 70 123 45 67', false],
    ['-12.5', false],
    ['+1 (555) 010-9999', false],
    ['Ada', false],
    ['a=b', false],
  ])('%s → %s', (value, formula) => {
    expect(looksLikeFormula(value)).toBe(formula);
  });
});
