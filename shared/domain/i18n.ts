/**
 * The languages recipients see (mail footers, hosted pages) and how one is chosen: the contact's
 * locale, else the browser's Accept-Language, else English.
 */
export const languages = ['en', 'sv', 'nb', 'da', 'fi', 'de', 'nl', 'fr'] as const;
export type Language = (typeof languages)[number];

const known = new Set<string>(languages);

/** The base language of a tag we speak (`sv-SE` → `sv`; Norwegian `no`/`nn` → `nb`), if any. */
export const languageOf = (tag: string | undefined | null): Language | undefined => {
  if (!tag) return undefined;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  const mapped = base === 'no' || base === 'nn' ? 'nb' : base;
  return known.has(mapped) ? (mapped as Language) : undefined;
};

/** Picks from an Accept-Language header by quality, first supported wins. */
export const fromAcceptLanguage = (header: string | undefined | null): Language | undefined => {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const language = languageOf(tag);
    if (language) return language;
  }
  return undefined;
};

export const chooseLanguage = (
  contactLocale: string | undefined | null,
  acceptLanguage?: string | null,
): Language => languageOf(contactLocale) ?? fromAcceptLanguage(acceptLanguage) ?? 'en';

/** The footer added to a mailing body that carries neither an unsubscribe nor a preference link. */
export const footerText: Record<Language, { reason: string; unsubscribe: string; preferences: string }> = {
  en: {
    reason: 'You receive this because you subscribed to {type}.',
    unsubscribe: 'Unsubscribe',
    preferences: 'Manage your subscriptions',
  },
  sv: {
    reason: 'Du får detta eftersom du prenumererar på {type}.',
    unsubscribe: 'Avsluta prenumerationen',
    preferences: 'Hantera dina prenumerationer',
  },
  nb: {
    reason: 'Du mottar dette fordi du abonnerer på {type}.',
    unsubscribe: 'Meld deg av',
    preferences: 'Administrer abonnementene dine',
  },
  da: {
    reason: 'Du modtager dette, fordi du abonnerer på {type}.',
    unsubscribe: 'Afmeld',
    preferences: 'Administrer dine abonnementer',
  },
  fi: {
    reason: 'Saat tämän viestin, koska olet tilannut: {type}.',
    unsubscribe: 'Peruuta tilaus',
    preferences: 'Hallitse tilauksiasi',
  },
  de: {
    reason: 'Sie erhalten diese Nachricht, weil Sie {type} abonniert haben.',
    unsubscribe: 'Abmelden',
    preferences: 'Abonnements verwalten',
  },
  nl: {
    reason: 'U ontvangt dit omdat u bent geabonneerd op {type}.',
    unsubscribe: 'Afmelden',
    preferences: 'Uw abonnementen beheren',
  },
  fr: {
    reason: 'Vous recevez ce message car vous êtes abonné(e) à {type}.',
    unsubscribe: 'Se désabonner',
    preferences: 'Gérer vos abonnements',
  },
};
