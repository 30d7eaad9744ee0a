/** The one-click unsubscribe page, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface UnsubscribeStrings {
  unsubscribeTitle: string;
  unsubscribeQuestion: string;
  unsubscribeQuestionAll: string;
  unsubscribeButton: string;
  unsubscribed: string;
  unsubscribedAllDone: string;
  unsubscribedMore: string;
}

export const unsubscribeStrings: Record<Language, UnsubscribeStrings> = {
  en: {
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeQuestion: 'Do you want to stop receiving {type}?',
    unsubscribeQuestionAll: 'Do you want to stop receiving marketing e-mail from us?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You are unsubscribed from {type}.',
    unsubscribedAllDone: 'You are unsubscribed from all marketing e-mail.',
    unsubscribedMore: 'Changed your mind, or want to change other e-mails?',
  },
  sv: {
    unsubscribeTitle: 'Avsluta prenumeration',
    unsubscribeQuestion: 'Vill du sluta få {type}?',
    unsubscribeQuestionAll: 'Vill du sluta få marknadsföring via e-post från oss?',
    unsubscribeButton: 'Avsluta prenumerationen',
    unsubscribed: 'Du prenumererar inte längre på {type}.',
    unsubscribedAllDone: 'Du har avslutat all marknadsföring via e-post.',
    unsubscribedMore: 'Ångrat dig, eller vill du ändra annan e-post?',
  },
  nb: {
    unsubscribeTitle: 'Meld deg av',
    unsubscribeQuestion: 'Vil du slutte å få {type}?',
    unsubscribeQuestionAll: 'Vil du slutte å få markedsføring på e-post fra oss?',
    unsubscribeButton: 'Meld meg av',
    unsubscribed: 'Du er meldt av {type}.',
    unsubscribedAllDone: 'Du har meldt deg av all markedsføring på e-post.',
    unsubscribedMore: 'Ombestemt deg, eller vil du endre annen e-post?',
  },
  da: {
    unsubscribeTitle: 'Afmeld',
    unsubscribeQuestion: 'Vil du stoppe med at modtage {type}?',
    unsubscribeQuestionAll: 'Vil du stoppe med at modtage markedsføring på e-mail fra os?',
    unsubscribeButton: 'Afmeld',
    unsubscribed: 'Du er afmeldt {type}.',
    unsubscribedAllDone: 'Du er afmeldt al markedsføring på e-mail.',
    unsubscribedMore: 'Har du fortrudt, eller vil du ændre andre e-mails?',
  },
  fi: {
    unsubscribeTitle: 'Peruuta tilaus',
    unsubscribeQuestion: 'Haluatko lopettaa tilauksen {type}?',
    unsubscribeQuestionAll: 'Haluatko lopettaa markkinointisähköpostit meiltä?',
    unsubscribeButton: 'Peruuta tilaus',
    unsubscribed: 'Tilaus on peruttu: {type}.',
    unsubscribedAllDone: 'Olet peruuttanut kaiken sähköpostimarkkinoinnin.',
    unsubscribedMore: 'Muutitko mielesi, tai haluatko muuttaa muita sähköposteja?',
  },
  de: {
    unsubscribeTitle: 'Abmelden',
    unsubscribeQuestion: 'Möchten Sie {type} nicht mehr erhalten?',
    unsubscribeQuestionAll: 'Möchten Sie keine Werbe-E-Mails mehr von uns erhalten?',
    unsubscribeButton: 'Abmelden',
    unsubscribed: 'Sie sind von {type} abgemeldet.',
    unsubscribedAllDone: 'Sie haben alle Werbe-E-Mails abbestellt.',
    unsubscribedMore: 'Anders überlegt, oder möchten Sie andere E-Mails ändern?',
  },
  nl: {
    unsubscribeTitle: 'Afmelden',
    unsubscribeQuestion: 'Wilt u {type} niet meer ontvangen?',
    unsubscribeQuestionAll: 'Wilt u geen marketing-e-mail meer van ons ontvangen?',
    unsubscribeButton: 'Afmelden',
    unsubscribed: 'U bent afgemeld voor {type}.',
    unsubscribedAllDone: 'U bent afgemeld voor alle marketing-e-mail.',
    unsubscribedMore: 'Van gedachten veranderd, of wilt u andere e-mails wijzigen?',
  },
  fr: {
    unsubscribeTitle: 'Se désabonner',
    unsubscribeQuestion: 'Voulez-vous ne plus recevoir {type} ?',
    unsubscribeQuestionAll: 'Voulez-vous ne plus recevoir d’e-mails marketing de notre part ?',
    unsubscribeButton: 'Me désabonner',
    unsubscribed: 'Vous êtes désabonné(e) de {type}.',
    unsubscribedAllDone: 'Vous êtes désabonné(e) de tous les e-mails marketing.',
    unsubscribedMore: 'Vous avez changé d’avis, ou souhaitez modifier d’autres e-mails ?',
  },
};
