/**
 * Every word the hosted pages and their transactional mails show lives in strings/, one module per
 * page or mail, so a function bundles only the words it shows. Pure.
 */
/** Fills `{name}` placeholders; values must already be escaped for where the text lands. */
export const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
