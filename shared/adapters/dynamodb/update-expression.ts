/**
 * Builds an UpdateExpression from plain objects, with every attribute name and value as a
 * placeholder (so any field name is safe, reserved words included). A `set` key with dots is a
 * nested path (`sources.t00`). `set` values that are undefined become REMOVEs; `add` entries of 0
 * are skipped.
 */
export const updateExpression = (parts: {
  set?: Record<string, unknown>;
  add?: Record<string, number>;
  /** Extra names/values used by a ConditionExpression written by the caller. */
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}) => {
  const names: Record<string, string> = { ...parts.names };
  const values: Record<string, unknown> = { ...parts.values };
  const set: string[] = [];
  const remove: string[] = [];
  const add: string[] = [];
  let i = 0;
  for (const [field, value] of Object.entries(parts.set ?? {})) {
    const n = field
      .split('.')
      .map((segment, j) => {
        names[`#u${i}p${j}`] = segment;
        return `#u${i}p${j}`;
      })
      .join('.');
    if (value === undefined) remove.push(n);
    else {
      values[`:u${i}`] = value;
      set.push(`${n} = :u${i}`);
    }
    i++;
  }
  for (const [field, value] of Object.entries(parts.add ?? {})) {
    if (!value) continue;
    names[`#u${i}`] = field;
    values[`:u${i}`] = value;
    add.push(`#u${i} :u${i}`);
    i++;
  }
  const clauses = [
    set.length ? `SET ${set.join(', ')}` : '',
    remove.length ? `REMOVE ${remove.join(', ')}` : '',
    add.length ? `ADD ${add.join(', ')}` : '',
  ].filter(Boolean);
  return {
    UpdateExpression: clauses.join(' '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    empty: clauses.length === 0,
  };
};
