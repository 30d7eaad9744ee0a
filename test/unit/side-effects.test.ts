/**
 * package.json's `sideEffects` names the modules that may act when imported; a bundle drops any
 * other module whose exports it does not use. Only the schema modules of shared/http/schemas are
 * left out (their schemas may only describe a route's answers, which its handler does not use);
 * every other module stays declared, so none imported for its effect is ever dropped.
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

  it('declares every module but the schema modules', () => {
    const undeclared = files.filter(
      (file) => !file.startsWith('shared/http/schemas/') && !declared.some((p) => covers(p, file)),
    );
    expect(undeclared).toEqual([]);
  });

  it('leaves the schema modules undeclared, none of which acts when imported', () => {
    const schemas = files.filter((f) => f.startsWith('shared/http/schemas/'));
    expect(schemas.length).toBeGreaterThan(1);
    expect(schemas.filter((file) => declared.some((p) => covers(p, file)))).toEqual([]);
  });
});
