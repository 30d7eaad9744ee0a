/**
 * The suppression and settings pages of the console. Templates only; the actions call the use
 * cases. Pure.
 */
import { fill } from '#shared/pages/strings.ts';
import { date, e, type Message, page, problems, table } from './audience-parts.ts';
import { type FormState, input, radios, select } from './forms.ts';
import { csrfField } from './layout.ts';
import type { Viewer } from './mailing-pages.ts';
import { adminStrings } from './admin-strings.ts';

// ---------------------------------------------------------------------------------------------
// Suppressions

export const suppressionsPage = (
  viewer: Viewer,
  view: {
    findState: FormState;
    found?: { id: string; reason: string; at: string } | null | undefined;
    canChange: boolean;
    addState: FormState;
  },
  message?: Message,
) => {
  const t = adminStrings[viewer.language];
  const found = view.found
    ? `<p role="status">${fill(e(t.suppressedSince), { at: e(date(view.found.at, viewer)), reason: e(t.suppressionReasons[view.found.reason] ?? view.found.reason) })}</p>` +
      (view.canChange
        ? `<form method="post" action="/console/suppressions">${csrfField(viewer.csrf)}<input type="hidden" name="id" value="${e(view.found.id)}"><input type="hidden" name="email" value="${e(view.findState.values.email ?? '')}"><button type="submit" class="danger" name="action" value="lift">${e(t.lift)}</button></form>`
        : '')
    : view.found === null
      ? `<p role="status">${e(t.notSuppressed)}</p>`
      : '';
  const reasons = ['manual', 'hard_bounce', 'soft_bounce', 'complaint'].map((r) => ({
    value: r,
    label: t.suppressionReasons[r] ?? r,
  }));
  return page(
    viewer,
    'suppressions',
    t.suppressionsTitle,
    `<h1>${e(t.suppressionsTitle)}</h1><p>${e(t.suppressionsIntro)}</p>` +
      `<form method="get" action="/console/suppressions" role="search" novalidate>` +
      input({
        name: 'email',
        label: t.findSuppression,
        type: 'email',
        state: view.findState,
        autocomplete: 'off',
      }) +
      `<button type="submit">${e(t.find)}</button></form>${found}` +
      (view.canChange
        ? `<h2 id="add-suppression">${e(t.addSuppression)}</h2>${problems(t, view.addState)}` +
          `<form method="post" action="/console/suppressions" novalidate aria-labelledby="add-suppression">${csrfField(viewer.csrf)}` +
          input({
            name: 'newEmail',
            label: t.email,
            type: 'email',
            state: view.addState,
            autocomplete: 'off',
          }) +
          select({ name: 'reason', label: t.suppressionReason, state: view.addState, options: reasons }) +
          `<button type="submit" name="action" value="add">${e(t.suppress)}</button></form>`
        : ''),
    message,
  );
};

// ---------------------------------------------------------------------------------------------
// Settings

export interface SettingsView {
  privacy: { enabled: boolean; updatedAt: string | null; updatedBy: string | null };
  bounce: Record<'hard' | 'soft' | 'complaint', { count: number; windowDays: number; action: string }>;
  canChangePrivacy: boolean;
  canChangeBounce: boolean;
  bounceState?: FormState | undefined;
}

export const settingsPage = (viewer: Viewer, view: SettingsView, message?: Message) => {
  const t = adminStrings[viewer.language];
  const p = view.privacy;
  const changed = p.updatedAt
    ? fill(e(t.privacyChanged), { when: e(date(p.updatedAt, viewer)), who: e(p.updatedBy ?? '') })
    : e(t.privacyNeverChanged);
  const privacy =
    `<h2 id="privacy">${e(t.privacyTitle)}</h2>` +
    `<p><strong>${e(p.enabled ? t.privacyOn : t.privacyOff)}</strong></p><p>${changed}</p>` +
    (view.canChangePrivacy
      ? `<form method="post" action="/console/settings" aria-labelledby="privacy">${csrfField(viewer.csrf)}` +
        radios({
          name: 'enabled',
          legend: t.privacySwitch,
          state: { values: { enabled: p.enabled ? 'on' : 'off' }, errors: {} },
          options: [
            { value: 'on', label: `${t.privacyTurnOn}: ${t.privacyOn}` },
            { value: 'off', label: `${t.privacyTurnOff}: ${t.privacyOff}` },
          ],
        }) +
        `<button type="submit" name="action" value="privacy">${e(t.save)}</button></form>`
      : `<p class="muted">${e(t.privacyAdminOnly)}</p>`);
  const kinds = ['hard', 'soft', 'complaint'] as const;
  const actions = Object.entries(t.bounceActions).map(([value, label]) => ({ value, label }));
  const state: FormState = view.bounceState ?? {
    values: Object.fromEntries(
      kinds.flatMap((k) => [
        [`${k}Count`, String(view.bounce[k].count)],
        [`${k}WindowDays`, String(view.bounce[k].windowDays)],
        [`${k}Action`, view.bounce[k].action],
      ]),
    ),
    errors: {},
  };
  const bounce =
    `<h2 id="bounce">${e(t.bounceTitle)}</h2><p>${e(t.bounceIntro)}</p>` +
    (view.canChangeBounce
      ? `${problems(t, view.bounceState)}<form method="post" action="/console/settings" novalidate aria-labelledby="bounce">${csrfField(viewer.csrf)}` +
        kinds
          .map(
            (k) =>
              `<fieldset><legend>${e(t.bounceKinds[k] ?? k)}</legend>` +
              input({ name: `${k}Count`, label: t.bounceCount, type: 'number', state }) +
              input({ name: `${k}WindowDays`, label: t.bounceWindow, type: 'number', state }) +
              select({ name: `${k}Action`, label: t.bounceAction, state, options: actions }) +
              '</fieldset>',
          )
          .join('') +
        `<button type="submit" name="action" value="bounce">${e(t.save)}</button></form>`
      : table(
          t.bounceTitle,
          [t.bounceTitle, t.bounceCount, t.bounceWindow, t.bounceAction],
          kinds.map(
            (k) =>
              `<tr><th scope="row">${e(t.bounceKinds[k] ?? k)}</th><td class="num">${view.bounce[k].count}</td><td class="num">${view.bounce[k].windowDays}</td><td>${e(t.bounceActions[view.bounce[k].action] ?? view.bounce[k].action)}</td></tr>`,
          ),
        ));
  return page(
    viewer,
    'settings',
    t.settingsTitle,
    `<h1>${e(t.settingsTitle)}</h1>${privacy}${bounce}`,
    message,
  );
};
