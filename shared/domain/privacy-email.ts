/**
 * The "manage your subscriptions" e-mail (POST /contacts/{id}/privacy-email): a transactional
 * message in the contact's language with a personal preference-page link. Pure.
 */
import { escapeHtml } from './render.ts';
import type { Language } from './i18n.ts';

const strings: Record<Language, { subject: string; intro: string; action: string; ignore: string }> = {
  en: {
    subject: 'Manage your subscriptions',
    intro: 'Use this personal link to see and change what you receive from us:',
    action: 'Manage your subscriptions',
    ignore: 'If you did not expect this message, you can ignore it.',
  },
  sv: {
    subject: 'Hantera dina prenumerationer',
    intro: 'Använd den här personliga länken för att se och ändra vad du får från oss:',
    action: 'Hantera dina prenumerationer',
    ignore: 'Om du inte väntade dig det här meddelandet kan du bortse från det.',
  },
  nb: {
    subject: 'Administrer abonnementene dine',
    intro: 'Bruk denne personlige lenken for å se og endre hva du får fra oss:',
    action: 'Administrer abonnementene dine',
    ignore: 'Hvis du ikke ventet denne meldingen, kan du se bort fra den.',
  },
  da: {
    subject: 'Administrer dine abonnementer',
    intro: 'Brug dette personlige link til at se og ændre, hvad du modtager fra os:',
    action: 'Administrer dine abonnementer',
    ignore: 'Hvis du ikke forventede denne besked, kan du se bort fra den.',
  },
  fi: {
    subject: 'Hallitse tilauksiasi',
    intro: 'Tällä henkilökohtaisella linkillä näet ja voit muuttaa, mitä saat meiltä:',
    action: 'Hallitse tilauksiasi',
    ignore: 'Jos et odottanut tätä viestiä, voit jättää sen huomiotta.',
  },
  de: {
    subject: 'Abonnements verwalten',
    intro: 'Mit diesem persönlichen Link sehen und ändern Sie, was Sie von uns erhalten:',
    action: 'Abonnements verwalten',
    ignore: 'Wenn Sie diese Nachricht nicht erwartet haben, können Sie sie ignorieren.',
  },
  nl: {
    subject: 'Uw abonnementen beheren',
    intro: 'Met deze persoonlijke link ziet en wijzigt u wat u van ons ontvangt:',
    action: 'Uw abonnementen beheren',
    ignore: 'Als u dit bericht niet verwachtte, kunt u het negeren.',
  },
  fr: {
    subject: 'Gérer vos abonnements',
    intro: 'Ce lien personnel vous permet de voir et de modifier ce que vous recevez de notre part :',
    action: 'Gérer vos abonnements',
    ignore: 'Si vous n’attendiez pas ce message, vous pouvez l’ignorer.',
  },
};

export const privacyEmail = (language: Language, preferencesUrl: string) => {
  const t = strings[language];
  return {
    subject: t.subject,
    text: `${t.intro}\n\n${preferencesUrl}\n\n${t.ignore}\n`,
    html:
      `<!doctype html><html lang="${language}"><body><p>${escapeHtml(t.intro)}</p>` +
      `<p><a href="${escapeHtml(preferencesUrl)}">${escapeHtml(t.action)}</a></p>` +
      `<p style="color:#555">${escapeHtml(t.ignore)}</p></body></html>`,
  };
};
