/** The magic (preference access) link mail, per language. Placeholders in braces are filled by the template after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface MagicMailStrings {
  magicMailSubject: string;
  magicMailIntro: string;
  magicMailAction: string;
  magicMailIgnore: string;
}

export const magicMailStrings: Record<Language, MagicMailStrings> = {
  en: {
    magicMailSubject: 'Your link to manage your subscriptions',
    magicMailIntro: 'Use this personal link to see and change what you receive from us. It works for 7 days:',
    magicMailAction: 'Manage your subscriptions',
    magicMailIgnore: 'If you did not ask for this link, you can ignore this e-mail.',
  },
  sv: {
    magicMailSubject: 'Din länk för att hantera dina prenumerationer',
    magicMailIntro:
      'Använd den här personliga länken för att se och ändra vad du får från oss. Den fungerar i 7 dagar:',
    magicMailAction: 'Hantera dina prenumerationer',
    magicMailIgnore: 'Om du inte bad om länken kan du bortse från det här meddelandet.',
  },
  nb: {
    magicMailSubject: 'Lenken din for å administrere abonnementene',
    magicMailIntro:
      'Bruk denne personlige lenken for å se og endre hva du får fra oss. Den virker i 7 dager:',
    magicMailAction: 'Administrer abonnementene dine',
    magicMailIgnore: 'Hvis du ikke ba om denne lenken, kan du se bort fra denne e-posten.',
  },
  da: {
    magicMailSubject: 'Dit link til at administrere dine abonnementer',
    magicMailIntro:
      'Brug dette personlige link til at se og ændre, hvad du modtager fra os. Det virker i 7 dage:',
    magicMailAction: 'Administrer dine abonnementer',
    magicMailIgnore: 'Hvis du ikke bad om dette link, kan du se bort fra denne e-mail.',
  },
  fi: {
    magicMailSubject: 'Linkkisi tilaustesi hallintaan',
    magicMailIntro:
      'Tällä henkilökohtaisella linkillä näet ja voit muuttaa, mitä saat meiltä. Se toimii 7 päivää:',
    magicMailAction: 'Hallitse tilauksiasi',
    magicMailIgnore: 'Jos et pyytänyt tätä linkkiä, voit jättää tämän viestin huomiotta.',
  },
  de: {
    magicMailSubject: 'Ihr Link zur Verwaltung Ihrer Abonnements',
    magicMailIntro:
      'Mit diesem persönlichen Link sehen und ändern Sie, was Sie von uns erhalten. Er ist 7 Tage gültig:',
    magicMailAction: 'Abonnements verwalten',
    magicMailIgnore: 'Wenn Sie diesen Link nicht angefordert haben, können Sie diese E-Mail ignorieren.',
  },
  nl: {
    magicMailSubject: 'Uw link om uw abonnementen te beheren',
    magicMailIntro:
      'Met deze persoonlijke link ziet en wijzigt u wat u van ons ontvangt. De link werkt 7 dagen:',
    magicMailAction: 'Uw abonnementen beheren',
    magicMailIgnore: 'Heeft u deze link niet aangevraagd? Dan kunt u deze e-mail negeren.',
  },
  fr: {
    magicMailSubject: 'Votre lien pour gérer vos abonnements',
    magicMailIntro:
      'Ce lien personnel vous permet de voir et de modifier ce que vous recevez de notre part. Il est valable 7 jours :',
    magicMailAction: 'Gérer vos abonnements',
    magicMailIgnore: 'Si vous n’avez pas demandé ce lien, vous pouvez ignorer cet e-mail.',
  },
};
