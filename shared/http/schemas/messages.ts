/**
 * What a 422's `details` say when a schema check fails, in a few plain words. zod/mini loads no
 * locale (every message would read "Invalid input"), and its full English one is 5 KB in every
 * bundle; these cover the checks our schemas use. Imported for its effect by common.ts.
 */
import * as z from 'zod/mini';

const unit = (origin: string) => (origin === 'string' ? ' characters' : origin === 'number' ? '' : ' items');

z.config({
  localeError: (issue) => {
    switch (issue.code) {
      case 'invalid_type':
        return `Expected ${issue.expected}`;
      case 'too_small':
        return `Too small: at least ${issue.inclusive ? '' : 'more than '}${issue.minimum}${unit(issue.origin)}`;
      case 'too_big':
        return `Too big: at most ${issue.inclusive ? '' : 'less than '}${issue.maximum}${unit(issue.origin)}`;
      case 'invalid_format':
        return issue.format === 'regex' ? 'Not in the expected form' : `Not a valid ${issue.format}`;
      case 'not_multiple_of':
        return `Must be a multiple of ${issue.divisor}`;
      case 'unrecognized_keys':
        return `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
      case 'invalid_value':
        return `Must be one of: ${issue.values.map(String).join(', ')}`;
      case 'invalid_union':
        return 'Matches none of the allowed forms';
      default:
        return 'Invalid value';
    }
  },
});
