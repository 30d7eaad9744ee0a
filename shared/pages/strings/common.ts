/** Words more than one page shows, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface CommonStrings {
  manageLink: string;
  confirmed: string;
}

export const commonStrings: Record<Language, CommonStrings> = {
  en: {
    manageLink: 'Manage your subscriptions',
    confirmed: 'Thank you! You are now subscribed to {type}.',
  },
  sv: {
    manageLink: 'Hantera dina prenumerationer',
    confirmed: 'Tack! Nu prenumererar du på {type}.',
  },
  nb: {
    manageLink: 'Administrer abonnementene dine',
    confirmed: 'Takk! Nå abonnerer du på {type}.',
  },
  da: {
    manageLink: 'Administrer dine abonnementer',
    confirmed: 'Tak! Nu abonnerer du på {type}.',
  },
  fi: {
    manageLink: 'Hallitse tilauksiasi',
    confirmed: 'Kiitos! Olet nyt tilannut: {type}.',
  },
  de: {
    manageLink: 'Abonnements verwalten',
    confirmed: 'Vielen Dank! Sie haben {type} jetzt abonniert.',
  },
  nl: {
    manageLink: 'Uw abonnementen beheren',
    confirmed: 'Bedankt! U bent nu geabonneerd op {type}.',
  },
  fr: {
    manageLink: 'Gérer vos abonnements',
    confirmed: 'Merci ! Vous êtes maintenant abonné(e) à {type}.',
  },
};
