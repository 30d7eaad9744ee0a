import { type Language, languageOf } from '#shared/domain/i18n.ts';
import type { SubscriptionType } from '#shared/domain/subscription-type.ts';

/**
 * A type's name and description in `language`: the translation under that exact tag (`sv`), else
 * under a regional tag of it (`sv-FI`), else the default text. Each field falls back on its own.
 */
export const typeText = (
  type: Pick<SubscriptionType, 'name' | 'description' | 'translations'>,
  language: Language,
): { name: string; description: string } => {
  const translations = type.translations ?? {};
  const exact = Object.hasOwn(translations, language) ? translations[language] : undefined;
  const regional = Object.entries(translations).find(([tag]) => languageOf(tag) === language)?.[1];
  return {
    name: exact?.name || regional?.name || type.name,
    description: exact?.description || regional?.description || type.description,
  };
};
