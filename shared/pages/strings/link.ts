/** The page a tracked link with a subscription action shows on GET, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface LinkStrings {
  subscribeTitle: string;
  subscribeQuestion: string;
  subscribeButton: string;
  unsubscribeTitle: string;
  unsubscribeQuestion: string;
  unsubscribeButton: string;
  continueWithout: string;
}

export const linkStrings: Record<Language, LinkStrings> = {
  en: {
    subscribeTitle: 'Subscribe',
    subscribeQuestion: 'Do you want to receive {type}?',
    subscribeButton: 'Yes, subscribe me',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeQuestion: 'Do you want to stop receiving {type}?',
    unsubscribeButton: 'Unsubscribe',
    continueWithout: 'Continue without changing anything',
  },
  sv: {
    subscribeTitle: 'Prenumerera',
    subscribeQuestion: 'Vill du få {type}?',
    subscribeButton: 'Ja, jag vill prenumerera',
    unsubscribeTitle: 'Avsluta prenumeration',
    unsubscribeQuestion: 'Vill du sluta få {type}?',
    unsubscribeButton: 'Avsluta prenumerationen',
    continueWithout: 'Fortsätt utan att ändra något',
  },
  nb: {
    subscribeTitle: 'Abonner',
    subscribeQuestion: 'Vil du få {type}?',
    subscribeButton: 'Ja, meld meg på',
    unsubscribeTitle: 'Meld deg av',
    unsubscribeQuestion: 'Vil du slutte å få {type}?',
    unsubscribeButton: 'Meld meg av',
    continueWithout: 'Fortsett uten å endre noe',
  },
  da: {
    subscribeTitle: 'Tilmeld',
    subscribeQuestion: 'Vil du modtage {type}?',
    subscribeButton: 'Ja, tilmeld mig',
    unsubscribeTitle: 'Afmeld',
    unsubscribeQuestion: 'Vil du stoppe med at modtage {type}?',
    unsubscribeButton: 'Afmeld',
    continueWithout: 'Fortsæt uden at ændre noget',
  },
  fi: {
    subscribeTitle: 'Tilaa',
    subscribeQuestion: 'Haluatko tilata: {type}?',
    subscribeButton: 'Kyllä, tilaan',
    unsubscribeTitle: 'Peruuta tilaus',
    unsubscribeQuestion: 'Haluatko lopettaa tilauksen {type}?',
    unsubscribeButton: 'Peruuta tilaus',
    continueWithout: 'Jatka muuttamatta mitään',
  },
  de: {
    subscribeTitle: 'Abonnieren',
    subscribeQuestion: 'Möchten Sie {type} erhalten?',
    subscribeButton: 'Ja, abonnieren',
    unsubscribeTitle: 'Abmelden',
    unsubscribeQuestion: 'Möchten Sie {type} nicht mehr erhalten?',
    unsubscribeButton: 'Abmelden',
    continueWithout: 'Weiter, ohne etwas zu ändern',
  },
  nl: {
    subscribeTitle: 'Aanmelden',
    subscribeQuestion: 'Wilt u {type} ontvangen?',
    subscribeButton: 'Ja, meld mij aan',
    unsubscribeTitle: 'Afmelden',
    unsubscribeQuestion: 'Wilt u {type} niet meer ontvangen?',
    unsubscribeButton: 'Afmelden',
    continueWithout: 'Doorgaan zonder iets te wijzigen',
  },
  fr: {
    subscribeTitle: 'S’abonner',
    subscribeQuestion: 'Voulez-vous recevoir {type} ?',
    subscribeButton: 'Oui, je m’abonne',
    unsubscribeTitle: 'Se désabonner',
    unsubscribeQuestion: 'Voulez-vous ne plus recevoir {type} ?',
    unsubscribeButton: 'Me désabonner',
    continueWithout: 'Continuer sans rien changer',
  },
};
