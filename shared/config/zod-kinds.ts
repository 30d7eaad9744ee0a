/**
 * zod/mini's `z.iso.datetime`, `z.iso.date` and `z.coerce.number`, reached without their
 * namespaces. A bundler cannot drop the unused members of a namespace reached through another
 * namespace, so `z.iso.datetime()` bundles every ISO kind and `z.coerce.number()` every coerced
 * kind; each function here builds its schema exactly as zod/mini's own does, and bundles only it.
 */
import {
  ZodMiniISODate,
  ZodMiniISODateTime,
  type ZodMiniNumber,
  ZodMiniNumber as ZodMiniNumberClass,
} from 'zod/mini';
import { _coercedNumber, _isoDate, _isoDateTime } from 'zod/v4/core';

/** As `z.iso.datetime(params)`. */
export const isoDateTime = (params?: Parameters<typeof _isoDateTime>[1]): ZodMiniISODateTime =>
  _isoDateTime(ZodMiniISODateTime, params);

/** As `z.iso.date(params)`. */
export const isoDate = (params?: Parameters<typeof _isoDate>[1]): ZodMiniISODate =>
  _isoDate(ZodMiniISODate, params);

/** As `z.coerce.number(params)`: any input, coerced with `Number()`. */
export const coercedNumber = (params?: Parameters<typeof _coercedNumber>[1]): ZodMiniNumber<unknown> =>
  _coercedNumber(ZodMiniNumberClass, params) as ZodMiniNumber<unknown>;
