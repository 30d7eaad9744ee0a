/** The double opt-in confirmation mail, per language. Placeholders in braces are filled by the template after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface ConfirmMailStrings {
  confirmMailSubject: string;
  confirmMailIntro: string;
  confirmMailAction: string;
  confirmMailIgnore: string;
}

export const confirmMailStrings: Record<Language, ConfirmMailStrings> = {
  en: {
    confirmMailSubject: 'Please confirm your subscription to {type}',
    confirmMailIntro:
      'Someone, hopefully you, asked to receive {type} at this address. To confirm, open this link:',
    confirmMailAction: 'Confirm my subscription',
    confirmMailIgnore: 'If this was not you, ignore this e-mail and nothing will be sent.',
  },
  sv: {
    confirmMailSubject: 'Bekräfta din prenumeration på {type}',
    confirmMailIntro:
      'Någon, förhoppningsvis du, har bett om att få {type} till den här adressen. Öppna länken för att bekräfta:',
    confirmMailAction: 'Bekräfta min prenumeration',
    confirmMailIgnore: 'Om det inte var du kan du bortse från det här meddelandet, så skickas ingenting.',
  },
  nb: {
    confirmMailSubject: 'Bekreft abonnementet ditt på {type}',
    confirmMailIntro:
      'Noen, forhåpentligvis du, har bedt om å få {type} til denne adressen. Åpne lenken for å bekrefte:',
    confirmMailAction: 'Bekreft abonnementet mitt',
    confirmMailIgnore: 'Hvis det ikke var deg, kan du se bort fra denne e-posten, så sendes ingenting.',
  },
  da: {
    confirmMailSubject: 'Bekræft dit abonnement på {type}',
    confirmMailIntro:
      'Nogen, forhåbentlig dig, har bedt om at modtage {type} på denne adresse. Åbn linket for at bekræfte:',
    confirmMailAction: 'Bekræft mit abonnement',
    confirmMailIgnore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail, og intet bliver sendt.',
  },
  fi: {
    confirmMailSubject: 'Vahvista tilauksesi: {type}',
    confirmMailIntro:
      'Joku, toivottavasti sinä, pyysi tilausta {type} tähän osoitteeseen. Vahvista avaamalla tämä linkki:',
    confirmMailAction: 'Vahvista tilaukseni',
    confirmMailIgnore:
      'Jos pyyntö ei ollut sinun, voit jättää tämän viestin huomiotta, eikä mitään lähetetä.',
  },
  de: {
    confirmMailSubject: 'Bitte bestätigen Sie Ihr Abonnement: {type}',
    confirmMailIntro:
      'Jemand, hoffentlich Sie, möchte {type} an diese Adresse erhalten. Öffnen Sie zur Bestätigung diesen Link:',
    confirmMailAction: 'Abonnement bestätigen',
    confirmMailIgnore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail; es wird nichts gesendet.',
  },
  nl: {
    confirmMailSubject: 'Bevestig uw abonnement op {type}',
    confirmMailIntro:
      'Iemand, hopelijk u, heeft gevraagd om {type} op dit adres te ontvangen. Open deze link om te bevestigen:',
    confirmMailAction: 'Mijn abonnement bevestigen',
    confirmMailIgnore: 'Was u dit niet? Negeer dan deze e-mail; er wordt niets verstuurd.',
  },
  fr: {
    confirmMailSubject: 'Confirmez votre abonnement à {type}',
    confirmMailIntro:
      'Quelqu’un, vous sans doute, a demandé à recevoir {type} à cette adresse. Pour confirmer, ouvrez ce lien :',
    confirmMailAction: 'Confirmer mon abonnement',
    confirmMailIgnore: 'Si ce n’était pas vous, ignorez cet e-mail : rien ne vous sera envoyé.',
  },
};
