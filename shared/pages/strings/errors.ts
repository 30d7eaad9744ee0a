/** The error pages, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface ErrorStrings {
  notFoundTitle: string;
  notFoundText: string;
  newLink: string;
  badRequestTitle: string;
  badRequestText: string;
  tooManyTitle: string;
  tooManyText: string;
  serverErrorTitle: string;
  serverErrorText: string;
}

export const errorStrings: Record<Language, ErrorStrings> = {
  en: {
    notFoundTitle: 'This link does not work',
    notFoundText:
      'The link may be incomplete or out of date. Use the link in our latest e-mail, or ask for a new one.',
    newLink: 'Get a new link',
    badRequestTitle: 'We could not read the form',
    badRequestText: 'Nothing was changed. Please go back, reload the page and try again.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Please wait 15 minutes and try again.',
    serverErrorTitle: 'Something went wrong on our side',
    serverErrorText: 'Please try again in a moment.',
  },
  sv: {
    notFoundTitle: 'Länken fungerar inte',
    notFoundText:
      'Länken kan vara ofullständig eller för gammal. Använd länken i vårt senaste e-postmeddelande eller be om en ny.',
    newLink: 'Få en ny länk',
    badRequestTitle: 'Vi kunde inte läsa formuläret',
    badRequestText: 'Ingenting ändrades. Gå tillbaka, ladda om sidan och försök igen.',
    tooManyTitle: 'För många förfrågningar',
    tooManyText: 'Vänta 15 minuter och försök igen.',
    serverErrorTitle: 'Något gick fel hos oss',
    serverErrorText: 'Försök igen om en stund.',
  },
  nb: {
    notFoundTitle: 'Lenken virker ikke',
    notFoundText:
      'Lenken kan være ufullstendig eller utdatert. Bruk lenken i den siste e-posten fra oss, eller be om en ny.',
    newLink: 'Få en ny lenke',
    badRequestTitle: 'Vi kunne ikke lese skjemaet',
    badRequestText: 'Ingenting ble endret. Gå tilbake, last inn siden på nytt og prøv igjen.',
    tooManyTitle: 'For mange forespørsler',
    tooManyText: 'Vent 15 minutter og prøv igjen.',
    serverErrorTitle: 'Noe gikk galt hos oss',
    serverErrorText: 'Prøv igjen om litt.',
  },
  da: {
    notFoundTitle: 'Linket virker ikke',
    notFoundText:
      'Linket er måske ufuldstændigt eller forældet. Brug linket i vores seneste e-mail, eller bed om et nyt.',
    newLink: 'Få et nyt link',
    badRequestTitle: 'Vi kunne ikke læse formularen',
    badRequestText: 'Intet blev ændret. Gå tilbage, genindlæs siden, og prøv igen.',
    tooManyTitle: 'For mange forespørgsler',
    tooManyText: 'Vent 15 minutter, og prøv igen.',
    serverErrorTitle: 'Noget gik galt hos os',
    serverErrorText: 'Prøv igen om lidt.',
  },
  fi: {
    notFoundTitle: 'Linkki ei toimi',
    notFoundText:
      'Linkki voi olla puutteellinen tai vanhentunut. Käytä viimeisimmän viestimme linkkiä tai pyydä uusi.',
    newLink: 'Pyydä uusi linkki',
    badRequestTitle: 'Emme voineet lukea lomaketta',
    badRequestText: 'Mitään ei muutettu. Palaa takaisin, lataa sivu uudelleen ja yritä uudelleen.',
    tooManyTitle: 'Liian monta pyyntöä',
    tooManyText: 'Odota 15 minuuttia ja yritä uudelleen.',
    serverErrorTitle: 'Jotain meni vikaan meidän päässämme',
    serverErrorText: 'Yritä hetken kuluttua uudelleen.',
  },
  de: {
    notFoundTitle: 'Dieser Link funktioniert nicht',
    notFoundText:
      'Der Link ist vielleicht unvollständig oder veraltet. Verwenden Sie den Link in unserer neuesten E-Mail, oder fordern Sie einen neuen an.',
    newLink: 'Neuen Link anfordern',
    badRequestTitle: 'Wir konnten das Formular nicht lesen',
    badRequestText:
      'Es wurde nichts geändert. Bitte gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.',
    tooManyTitle: 'Zu viele Anfragen',
    tooManyText: 'Bitte warten Sie 15 Minuten und versuchen Sie es erneut.',
    serverErrorTitle: 'Bei uns ist etwas schiefgelaufen',
    serverErrorText: 'Bitte versuchen Sie es gleich noch einmal.',
  },
  nl: {
    notFoundTitle: 'Deze link werkt niet',
    notFoundText:
      'De link is misschien onvolledig of verouderd. Gebruik de link in onze laatste e-mail, of vraag een nieuwe aan.',
    newLink: 'Nieuwe link aanvragen',
    badRequestTitle: 'We konden het formulier niet lezen',
    badRequestText: 'Er is niets gewijzigd. Ga terug, laad de pagina opnieuw en probeer het nog eens.',
    tooManyTitle: 'Te veel verzoeken',
    tooManyText: 'Wacht 15 minuten en probeer het opnieuw.',
    serverErrorTitle: 'Er ging bij ons iets mis',
    serverErrorText: 'Probeer het zo nog eens.',
  },
  fr: {
    notFoundTitle: 'Ce lien ne fonctionne pas',
    notFoundText:
      'Le lien est peut-être incomplet ou trop ancien. Utilisez le lien de notre dernier e-mail, ou demandez-en un nouveau.',
    newLink: 'Obtenir un nouveau lien',
    badRequestTitle: 'Nous n’avons pas pu lire le formulaire',
    badRequestText: 'Rien n’a été modifié. Revenez en arrière, rechargez la page et réessayez.',
    tooManyTitle: 'Trop de demandes',
    tooManyText: 'Veuillez patienter 15 minutes et réessayer.',
    serverErrorTitle: 'Un problème est survenu de notre côté',
    serverErrorText: 'Veuillez réessayer dans un instant.',
  },
};
