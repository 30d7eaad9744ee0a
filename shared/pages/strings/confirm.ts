/** The double opt-in confirmation page, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface ConfirmStrings {
  confirmTitle: string;
  confirmQuestion: string;
  confirmButton: string;
  alreadyConfirmed: string;
}

export const confirmStrings: Record<Language, ConfirmStrings> = {
  en: {
    confirmTitle: 'Confirm your subscription',
    confirmQuestion: 'Please confirm that you want to receive {type}.',
    confirmButton: 'Confirm my subscription',
    alreadyConfirmed: 'You are already subscribed to {type}.',
  },
  sv: {
    confirmTitle: 'Bekräfta din prenumeration',
    confirmQuestion: 'Bekräfta att du vill få {type}.',
    confirmButton: 'Bekräfta min prenumeration',
    alreadyConfirmed: 'Du prenumererar redan på {type}.',
  },
  nb: {
    confirmTitle: 'Bekreft abonnementet ditt',
    confirmQuestion: 'Bekreft at du vil få {type}.',
    confirmButton: 'Bekreft abonnementet mitt',
    alreadyConfirmed: 'Du abonnerer allerede på {type}.',
  },
  da: {
    confirmTitle: 'Bekræft dit abonnement',
    confirmQuestion: 'Bekræft venligst, at du vil modtage {type}.',
    confirmButton: 'Bekræft mit abonnement',
    alreadyConfirmed: 'Du abonnerer allerede på {type}.',
  },
  fi: {
    confirmTitle: 'Vahvista tilauksesi',
    confirmQuestion: 'Vahvista, että haluat tilata: {type}.',
    confirmButton: 'Vahvista tilaukseni',
    alreadyConfirmed: 'Olet jo tilannut: {type}.',
  },
  de: {
    confirmTitle: 'Abonnement bestätigen',
    confirmQuestion: 'Bitte bestätigen Sie, dass Sie {type} erhalten möchten.',
    confirmButton: 'Abonnement bestätigen',
    alreadyConfirmed: 'Sie haben {type} bereits abonniert.',
  },
  nl: {
    confirmTitle: 'Bevestig uw abonnement',
    confirmQuestion: 'Bevestig dat u {type} wilt ontvangen.',
    confirmButton: 'Mijn abonnement bevestigen',
    alreadyConfirmed: 'U bent al geabonneerd op {type}.',
  },
  fr: {
    confirmTitle: 'Confirmez votre abonnement',
    confirmQuestion: 'Veuillez confirmer que vous souhaitez recevoir {type}.',
    confirmButton: 'Confirmer mon abonnement',
    alreadyConfirmed: 'Vous êtes déjà abonné(e) à {type}.',
  },
};
