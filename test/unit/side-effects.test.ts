/**
 * package.json's `sideEffects` names the modules that may act when imported; a bundle drops any
 * other module whose exports it does not use. Left out:
 * - the schema modules of shared/http/schemas (their schemas may only describe a route's answers,
 *   which its handler does not use);
 * - functions/: a handler is an entry point, kept whole by the bundler; a route's contract and the
 *   console's actions only define (a console group names API contracts for its grants, which only
 *   the route table reads).
 * Every other module stays declared, and no module is imported for its effect alone (a bare
 * `import '…'`), so none that acts is ever dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/lambda.ts';

const declared = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { sideEffects: string[] }
).sideEffects;

/** The forms package.json uses: `./dir/**`, `./dir/*.ts` and a single file. */
const covers = (pattern: string, file: string): boolean => {
  const path = pattern.replace(/^\.\//, '');
  if (path.endsWith('/**')) return file.startsWith(path.slice(0, -2));
  if (path.endsWith('/*.ts')) {
    const dir = path.slice(0, -'*.ts'.length);
    return file.startsWith(dir) && !file.slice(dir.length).includes('/') && file.endsWith('.ts');
  }
  return file === path;
};

const modules = (dir: string): string[] =>
  readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modules(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [relative(projectRoot, join(projectRoot, path))] : [];
  });

describe('modules with side effects', () => {
  const files = ['bench', 'functions', 'infra', 'shared', 'test'].flatMap(modules);

  const leftOut = (file: string) => file.startsWith('shared/http/schemas/') || file.startsWith('functions/');

  it('declares every module but the schema modules and functions/', () => {
    const undeclared = files.filter((file) => !leftOut(file) && !declared.some((p) => covers(p, file)));
    expect(undeclared).toEqual([]);
    expect(files.filter((file) => leftOut(file) && declared.some((p) => covers(p, file)))).toEqual([]);
  });

  it('imports no module for its effect alone', () => {
    const bare = files.filter((file) =>
      /^import\s+['"]/m.test(readFileSync(join(projectRoot, file), 'utf8')),
    );
    expect(bare).toEqual([]);
  });

  it('leaves the schema modules undeclared, none of which acts when imported', () => {
    const schemas = files.filter((f) => f.startsWith('shared/http/schemas/'));
    expect(schemas.length).toBeGreaterThan(1);
    expect(schemas.filter((file) => declared.some((p) => covers(p, file)))).toEqual([]);
  });
});
