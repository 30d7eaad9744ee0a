/**
 * The suppression and settings pages. Each action calls the use case its JSON route calls, after
 * the same role check (the route's `auth`).
 */
import { ConflictError } from '#shared/domain/errors.ts';
import { settingsPage, suppressionsPage } from '#shared/console/admin-pages.ts';
import type { FormState } from '#shared/console/forms.ts';
import { adminStrings } from '#shared/console/admin-strings.ts';
import { type ConsoleInput, type ConsoleResponse, html, seeOther } from '#shared/http/console.ts';
import { getBouncePolicy, setBouncePolicy } from '#shared/use-cases/bounce-policy.ts';
import { getSettings, setPrivacy } from '#shared/use-cases/settings.ts';
import { createSuppression, deleteSuppression, findSuppressions } from '#shared/use-cases/suppressions.ts';
import { route as createSuppressionRoute } from '#functions/api/create-suppression.route.ts';
import { route as deleteSuppressionRoute } from '#functions/api/delete-suppression.route.ts';
import { route as findSuppressionsRoute } from '#functions/api/find-suppressions.route.ts';
import { route as getSettingsRoute } from '#functions/api/get-settings.route.ts';
import { route as putBouncePolicyRoute } from '#functions/api/put-bounce-policy.route.ts';
import { route as putPrivacySettingRoute } from '#functions/api/put-privacy-setting.route.ts';
import {
  checkBody,
  formErrors,
  may,
  mustMay,
  type SignedIn,
  signedIn,
  stateOf,
  valuesOf,
  viewerOf,
} from './common.ts';

type Message = { text: string; tone: 'ok' | 'warn' | 'bad' };

// ---------------------------------------------------------------------------------------------
// Suppressions

const suppressionView = async (
  input: SignedIn,
  email: string,
  addState: FormState,
  message?: Message,
  status = 200,
) => {
  const canChange = may(input, createSuppressionRoute);
  let found: { id: string; reason: string; at: string } | null | undefined;
  let findState = stateOf({ email });
  if (email) {
    try {
      found = (await findSuppressions(email)).items[0] ?? null;
    } catch (error) {
      findState = stateOf({ email }, formErrors(error, { email: 'email' }, 'email'));
      status = 422;
    }
  }
  return html(suppressionsPage(viewerOf(input), { findState, found, canChange, addState }, message), status);
};

export const suppressions = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, findSuppressionsRoute);
  const { email, done } = input.query as { email?: string; done?: string };
  const t = adminStrings[input.language];
  const message =
    done === 'added'
      ? { text: t.suppressed, tone: 'ok' as const }
      : done === 'lifted'
        ? { text: t.lifted, tone: 'ok' as const }
        : undefined;
  return suppressionView(input, (email ?? '').trim(), stateOf({ reason: 'manual' }), message);
};

export const suppressionAction = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const action = input.form.get('action');
  if (action === 'lift') {
    mustMay(input, deleteSuppressionRoute);
    const email = input.form.get('email') ?? '';
    await deleteSuppression(input.form.get('id') ?? '', input.session.actor, email || undefined);
    return seeOther(`/console/suppressions?done=lifted`);
  }
  mustMay(input, createSuppressionRoute);
  const values = { newEmail: input.form.get('newEmail') ?? '', reason: input.form.get('reason') ?? '' };
  try {
    await createSuppression(
      checkBody(createSuppressionRoute.body, { email: values.newEmail, reason: values.reason }),
      input.session.actor,
    );
    return seeOther(`/console/suppressions?done=added&email=${encodeURIComponent(values.newEmail)}`);
  } catch (error) {
    const errors =
      error instanceof ConflictError
        ? { newEmail: error.message }
        : formErrors(error, { email: 'newEmail', reason: 'reason' }, 'newEmail');
    return suppressionView(input, '', stateOf(values, errors), undefined, 422);
  }
};

// ---------------------------------------------------------------------------------------------
// Settings

const settingsView = async (input: SignedIn, bounceState?: FormState, message?: Message, status = 200) => {
  const [settings, bounce] = await Promise.all([getSettings(), getBouncePolicy()]);
  return html(
    settingsPage(
      viewerOf(input),
      {
        privacy: settings.privacy,
        bounce,
        canChangePrivacy: may(input, putPrivacySettingRoute),
        canChangeBounce: may(input, putBouncePolicyRoute),
        bounceState,
      },
      message,
    ),
    status,
  );
};

export const settings = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  mustMay(input, getSettingsRoute);
  const done = (input.query as { done?: string }).done;
  const t = adminStrings[input.language];
  let message: Message | undefined;
  if (done === 'on' || done === 'off')
    message = { text: t.privacySaved.replace('{state}', done === 'on' ? t.stateOn : t.stateOff), tone: 'ok' };
  if (done === 'bounce') message = { text: t.bounceSaved, tone: 'ok' };
  return settingsView(input, undefined, message);
};

export const saveSettings = async (raw: ConsoleInput): Promise<ConsoleResponse> => {
  const input = signedIn(raw);
  const action = input.form.get('action');
  if (action === 'privacy') {
    // The privacy switch is an administrator's, as PUT /settings/privacy is.
    mustMay(input, putPrivacySettingRoute);
    const body = checkBody(putPrivacySettingRoute.body, { enabled: input.form.get('enabled') === 'on' });
    const after = await setPrivacy(body.enabled, input.session.actor);
    return seeOther(`/console/settings?done=${after.privacy.enabled ? 'on' : 'off'}`);
  }
  mustMay(input, putBouncePolicyRoute);
  const kinds = ['hard', 'soft', 'complaint'] as const;
  const names = kinds.flatMap((k) => [`${k}Count`, `${k}WindowDays`, `${k}Action`]);
  const values = valuesOf(input.form, names);
  const number = (value: string | undefined) => (value && /^\d+$/.test(value.trim()) ? Number(value) : value);
  const body = Object.fromEntries(
    kinds.map((k) => [
      k,
      {
        count: number(values[`${k}Count`]),
        windowDays: number(values[`${k}WindowDays`]),
        action: values[`${k}Action`],
      },
    ]),
  );
  try {
    await setBouncePolicy(checkBody(putBouncePolicyRoute.body, body), input.session.actor);
    return seeOther('/console/settings?done=bounce');
  } catch (error) {
    const map = Object.fromEntries(
      kinds.flatMap((k) => [
        [`${k}.count`, `${k}Count`],
        [`${k}.windowDays`, `${k}WindowDays`],
        [`${k}.action`, `${k}Action`],
        [k, `${k}Count`],
      ]),
    );
    return settingsView(input, stateOf(values, formErrors(error, map, 'hardCount')), undefined, 422);
  }
};
