/** The transactional mails: double opt-in confirmation and magic link, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface MailStrings {
  confirmMailSubject: string;
  confirmMailIntro: string;
  confirmMailAction: string;
  confirmMailIgnore: string;
  magicMailSubject: string;
  magicMailIntro: string;
  magicMailAction: string;
  magicMailIgnore: string;
}

export const mailStrings: Record<Language, MailStrings> = {
  en: {
    confirmMailSubject: 'Please confirm your subscription to {type}',
    confirmMailIntro:
      'Someone, hopefully you, asked to receive {type} at this address. To confirm, open this link:',
    confirmMailAction: 'Confirm my subscription',
    confirmMailIgnore: 'If this was not you, ignore this e-mail and nothing will be sent.',
    magicMailSubject: 'Your link to manage your subscriptions',
    magicMailIntro: 'Use this personal link to see and change what you receive from us. It works for 7 days:',
    magicMailAction: 'Manage your subscriptions',
    magicMailIgnore: 'If you did not ask for this link, you can ignore this e-mail.',
  },
  sv: {
    confirmMailSubject: 'Bekräfta din prenumeration på {type}',
    confirmMailIntro:
      'Någon, förhoppningsvis du, har bett om att få {type} till den här adressen. Öppna länken för att bekräfta:',
    confirmMailAction: 'Bekräfta min prenumeration',
    confirmMailIgnore: 'Om det inte var du kan du bortse från det här meddelandet, så skickas ingenting.',
    magicMailSubject: 'Din länk för att hantera dina prenumerationer',
    magicMailIntro:
      'Använd den här personliga länken för att se och ändra vad du får från oss. Den fungerar i 7 dagar:',
    magicMailAction: 'Hantera dina prenumerationer',
    magicMailIgnore: 'Om du inte bad om länken kan du bortse från det här meddelandet.',
  },
  nb: {
    confirmMailSubject: 'Bekreft abonnementet ditt på {type}',
    confirmMailIntro:
      'Noen, forhåpentligvis du, har bedt om å få {type} til denne adressen. Åpne lenken for å bekrefte:',
    confirmMailAction: 'Bekreft abonnementet mitt',
    confirmMailIgnore: 'Hvis det ikke var deg, kan du se bort fra denne e-posten, så sendes ingenting.',
    magicMailSubject: 'Lenken din for å administrere abonnementene',
    magicMailIntro:
      'Bruk denne personlige lenken for å se og endre hva du får fra oss. Den virker i 7 dager:',
    magicMailAction: 'Administrer abonnementene dine',
    magicMailIgnore: 'Hvis du ikke ba om denne lenken, kan du se bort fra denne e-posten.',
  },
  da: {
    confirmMailSubject: 'Bekræft dit abonnement på {type}',
    confirmMailIntro:
      'Nogen, forhåbentlig dig, har bedt om at modtage {type} på denne adresse. Åbn linket for at bekræfte:',
    confirmMailAction: 'Bekræft mit abonnement',
    confirmMailIgnore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail, og intet bliver sendt.',
    magicMailSubject: 'Dit link til at administrere dine abonnementer',
    magicMailIntro:
      'Brug dette personlige link til at se og ændre, hvad du modtager fra os. Det virker i 7 dage:',
    magicMailAction: 'Administrer dine abonnementer',
    magicMailIgnore: 'Hvis du ikke bad om dette link, kan du se bort fra denne e-mail.',
  },
  fi: {
    confirmMailSubject: 'Vahvista tilauksesi: {type}',
    confirmMailIntro:
      'Joku, toivottavasti sinä, pyysi tilausta {type} tähän osoitteeseen. Vahvista avaamalla tämä linkki:',
    confirmMailAction: 'Vahvista tilaukseni',
    confirmMailIgnore:
      'Jos pyyntö ei ollut sinun, voit jättää tämän viestin huomiotta, eikä mitään lähetetä.',
    magicMailSubject: 'Linkkisi tilaustesi hallintaan',
    magicMailIntro:
      'Tällä henkilökohtaisella linkillä näet ja voit muuttaa, mitä saat meiltä. Se toimii 7 päivää:',
    magicMailAction: 'Hallitse tilauksiasi',
    magicMailIgnore: 'Jos et pyytänyt tätä linkkiä, voit jättää tämän viestin huomiotta.',
  },
  de: {
    confirmMailSubject: 'Bitte bestätigen Sie Ihr Abonnement: {type}',
    confirmMailIntro:
      'Jemand, hoffentlich Sie, möchte {type} an diese Adresse erhalten. Öffnen Sie zur Bestätigung diesen Link:',
    confirmMailAction: 'Abonnement bestätigen',
    confirmMailIgnore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail; es wird nichts gesendet.',
    magicMailSubject: 'Ihr Link zur Verwaltung Ihrer Abonnements',
    magicMailIntro:
      'Mit diesem persönlichen Link sehen und ändern Sie, was Sie von uns erhalten. Er ist 7 Tage gültig:',
    magicMailAction: 'Abonnements verwalten',
    magicMailIgnore: 'Wenn Sie diesen Link nicht angefordert haben, können Sie diese E-Mail ignorieren.',
  },
  nl: {
    confirmMailSubject: 'Bevestig uw abonnement op {type}',
    confirmMailIntro:
      'Iemand, hopelijk u, heeft gevraagd om {type} op dit adres te ontvangen. Open deze link om te bevestigen:',
    confirmMailAction: 'Mijn abonnement bevestigen',
    confirmMailIgnore: 'Was u dit niet? Negeer dan deze e-mail; er wordt niets verstuurd.',
    magicMailSubject: 'Uw link om uw abonnementen te beheren',
    magicMailIntro:
      'Met deze persoonlijke link ziet en wijzigt u wat u van ons ontvangt. De link werkt 7 dagen:',
    magicMailAction: 'Uw abonnementen beheren',
    magicMailIgnore: 'Heeft u deze link niet aangevraagd? Dan kunt u deze e-mail negeren.',
  },
  fr: {
    confirmMailSubject: 'Confirmez votre abonnement à {type}',
    confirmMailIntro:
      'Quelqu’un, vous sans doute, a demandé à recevoir {type} à cette adresse. Pour confirmer, ouvrez ce lien :',
    confirmMailAction: 'Confirmer mon abonnement',
    confirmMailIgnore: 'Si ce n’était pas vous, ignorez cet e-mail : rien ne vous sera envoyé.',
    magicMailSubject: 'Votre lien pour gérer vos abonnements',
    magicMailIntro:
      'Ce lien personnel vous permet de voir et de modifier ce que vous recevez de notre part. Il est valable 7 jours :',
    magicMailAction: 'Gérer vos abonnements',
    magicMailIgnore: 'Si vous n’avez pas demandé ce lien, vous pouvez ignorer cet e-mail.',
  },
};
