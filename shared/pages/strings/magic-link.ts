/** The page asking for an address to mail a preference link to, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface MagicLinkStrings {
  magicTitle: string;
  magicIntro: string;
  emailLabel: string;
  magicButton: string;
  magicSent: string;
  invalidEmail: string;
}

export const magicLinkStrings: Record<Language, MagicLinkStrings> = {
  en: {
    magicTitle: 'Manage your subscriptions',
    magicIntro:
      'Enter your e-mail address and we will send you a personal link to your subscription settings.',
    emailLabel: 'E-mail address',
    magicButton: 'Send me the link',
    magicSent:
      'Check your inbox. If this address is registered with us, we have sent it a link. The link works for 7 days.',
    invalidEmail: 'Enter a valid e-mail address, like name@example.com.',
  },
  sv: {
    magicTitle: 'Hantera dina prenumerationer',
    magicIntro:
      'Ange din e-postadress så skickar vi en personlig länk till dina prenumerationsinställningar.',
    emailLabel: 'E-postadress',
    magicButton: 'Skicka länken till mig',
    magicSent:
      'Titta i din inkorg. Om adressen finns hos oss har vi skickat en länk till den. Länken fungerar i 7 dagar.',
    invalidEmail: 'Ange en giltig e-postadress, till exempel namn@example.com.',
  },
  nb: {
    magicTitle: 'Administrer abonnementene dine',
    magicIntro:
      'Skriv inn e-postadressen din, så sender vi deg en personlig lenke til abonnementsinnstillingene.',
    emailLabel: 'E-postadresse',
    magicButton: 'Send meg lenken',
    magicSent:
      'Sjekk innboksen. Hvis adressen er registrert hos oss, har vi sendt en lenke til den. Lenken virker i 7 dager.',
    invalidEmail: 'Skriv inn en gyldig e-postadresse, for eksempel navn@example.com.',
  },
  da: {
    magicTitle: 'Administrer dine abonnementer',
    magicIntro:
      'Skriv din e-mailadresse, så sender vi dig et personligt link til dine abonnementsindstillinger.',
    emailLabel: 'E-mailadresse',
    magicButton: 'Send mig linket',
    magicSent:
      'Tjek din indbakke. Hvis adressen er registreret hos os, har vi sendt et link til den. Linket virker i 7 dage.',
    invalidEmail: 'Skriv en gyldig e-mailadresse, for eksempel navn@example.com.',
  },
  fi: {
    magicTitle: 'Hallitse tilauksiasi',
    magicIntro:
      'Anna sähköpostiosoitteesi, niin lähetämme sinulle henkilökohtaisen linkin tilausasetuksiisi.',
    emailLabel: 'Sähköpostiosoite',
    magicButton: 'Lähetä linkki minulle',
    magicSent:
      'Katso saapuneet viestit. Jos osoite on rekisteröity meille, lähetimme siihen linkin. Linkki toimii 7 päivää.',
    invalidEmail: 'Anna kelvollinen sähköpostiosoite, esimerkiksi nimi@example.com.',
  },
  de: {
    magicTitle: 'Abonnements verwalten',
    magicIntro:
      'Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen persönlichen Link zu Ihren Abonnement-Einstellungen.',
    emailLabel: 'E-Mail-Adresse',
    magicButton: 'Link senden',
    magicSent:
      'Sehen Sie in Ihrem Posteingang nach. Wenn die Adresse bei uns registriert ist, haben wir einen Link an sie gesendet. Der Link ist 7 Tage gültig.',
    invalidEmail: 'Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.com.',
  },
  nl: {
    magicTitle: 'Uw abonnementen beheren',
    magicIntro: 'Vul uw e-mailadres in en we sturen u een persoonlijke link naar uw abonnementsinstellingen.',
    emailLabel: 'E-mailadres',
    magicButton: 'Stuur mij de link',
    magicSent:
      'Kijk in uw inbox. Als dit adres bij ons bekend is, hebben we er een link naartoe gestuurd. De link werkt 7 dagen.',
    invalidEmail: 'Vul een geldig e-mailadres in, zoals naam@example.com.',
  },
  fr: {
    magicTitle: 'Gérer vos abonnements',
    magicIntro:
      'Saisissez votre adresse e-mail et nous vous enverrons un lien personnel vers vos préférences d’abonnement.',
    emailLabel: 'Adresse e-mail',
    magicButton: 'Envoyez-moi le lien',
    magicSent:
      'Consultez votre boîte de réception. Si cette adresse est enregistrée chez nous, nous lui avons envoyé un lien. Le lien est valable 7 jours.',
    invalidEmail: 'Saisissez une adresse e-mail valide, par exemple nom@example.com.',
  },
};
