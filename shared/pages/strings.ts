/**
 * Every word the hosted pages and their transactional mails show, per language. Placeholders in
 * braces (`{type}`, `{name}`) are filled by the templates after escaping. Pure.
 */
import type { Language } from '#shared/domain/i18n.ts';

export interface PageStrings {
  // Preference page
  preferencesTitle: string;
  greeting: string;
  intro: string;
  legend: string;
  pendingNote: string;
  noTypes: string;
  withdrawnNotice: string;
  reasonLabel: string;
  save: string;
  allHeading: string;
  allText: string;
  allButton: string;
  saved: string;
  savedConfirm: string;
  unsubscribedAll: string;
  // One-click unsubscribe page
  unsubscribeTitle: string;
  unsubscribeQuestion: string;
  unsubscribeQuestionAll: string;
  unsubscribeButton: string;
  unsubscribed: string;
  unsubscribedAllDone: string;
  unsubscribedMore: string;
  manageLink: string;
  // Double opt-in
  confirmTitle: string;
  confirmQuestion: string;
  confirmButton: string;
  confirmed: string;
  alreadyConfirmed: string;
  confirmMailSubject: string;
  confirmMailIntro: string;
  confirmMailAction: string;
  confirmMailIgnore: string;
  // Magic link
  magicTitle: string;
  magicIntro: string;
  emailLabel: string;
  magicButton: string;
  magicSent: string;
  invalidEmail: string;
  magicMailSubject: string;
  magicMailIntro: string;
  magicMailAction: string;
  magicMailIgnore: string;
  // Error pages
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

export const strings: Record<Language, PageStrings> = {
  en: {
    preferencesTitle: 'Your e-mail subscriptions',
    greeting: 'Hello {name}.',
    intro: 'Choose which e-mails we send to {email}.',
    legend: 'E-mails you can receive',
    pendingNote: 'Waiting for your confirmation: check your inbox.',
    noTypes: 'There is nothing to subscribe to right now.',
    withdrawnNotice:
      'You are unsubscribed from all marketing e-mail. Tick what you would like to receive and save to subscribe again.',
    reasonLabel: 'Why are you leaving? (optional)',
    save: 'Save my choices',
    allHeading: 'Unsubscribe from everything',
    allText: 'Stop all marketing e-mail from us. You can subscribe again here at any time.',
    allButton: 'Unsubscribe from all e-mail',
    saved: 'Your choices are saved.',
    savedConfirm: 'We have sent you an e-mail to confirm: {types}.',
    unsubscribedAll: 'You are unsubscribed from all marketing e-mail.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeQuestion: 'Do you want to stop receiving {type}?',
    unsubscribeQuestionAll: 'Do you want to stop receiving marketing e-mail from us?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You are unsubscribed from {type}.',
    unsubscribedAllDone: 'You are unsubscribed from all marketing e-mail.',
    unsubscribedMore: 'Changed your mind, or want to change other e-mails?',
    manageLink: 'Manage your subscriptions',
    confirmTitle: 'Confirm your subscription',
    confirmQuestion: 'Please confirm that you want to receive {type}.',
    confirmButton: 'Confirm my subscription',
    confirmed: 'Thank you! You are now subscribed to {type}.',
    alreadyConfirmed: 'You are already subscribed to {type}.',
    confirmMailSubject: 'Please confirm your subscription to {type}',
    confirmMailIntro:
      'Someone, hopefully you, asked to receive {type} at this address. To confirm, open this link:',
    confirmMailAction: 'Confirm my subscription',
    confirmMailIgnore: 'If this was not you, ignore this e-mail and nothing will be sent.',
    magicTitle: 'Manage your subscriptions',
    magicIntro:
      'Enter your e-mail address and we will send you a personal link to your subscription settings.',
    emailLabel: 'E-mail address',
    magicButton: 'Send me the link',
    magicSent:
      'Check your inbox. If this address is registered with us, we have sent it a link. The link works for 7 days.',
    invalidEmail: 'Enter a valid e-mail address, like name@example.com.',
    magicMailSubject: 'Your link to manage your subscriptions',
    magicMailIntro: 'Use this personal link to see and change what you receive from us. It works for 7 days:',
    magicMailAction: 'Manage your subscriptions',
    magicMailIgnore: 'If you did not ask for this link, you can ignore this e-mail.',
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
    preferencesTitle: 'Dina e-postprenumerationer',
    greeting: 'Hej {name}.',
    intro: 'Välj vilka e-postmeddelanden vi skickar till {email}.',
    legend: 'E-post du kan få',
    pendingNote: 'Väntar på din bekräftelse: titta i din inkorg.',
    noTypes: 'Det finns inget att prenumerera på just nu.',
    withdrawnNotice:
      'Du har avslutat all marknadsföring via e-post. Kryssa i det du vill få och spara för att prenumerera igen.',
    reasonLabel: 'Varför avslutar du? (frivilligt)',
    save: 'Spara mina val',
    allHeading: 'Avsluta allt',
    allText: 'Stoppa all marknadsföring via e-post från oss. Du kan prenumerera igen här när du vill.',
    allButton: 'Avsluta all e-post',
    saved: 'Dina val är sparade.',
    savedConfirm: 'Vi har skickat ett e-postmeddelande för att bekräfta: {types}.',
    unsubscribedAll: 'Du har avslutat all marknadsföring via e-post.',
    unsubscribeTitle: 'Avsluta prenumeration',
    unsubscribeQuestion: 'Vill du sluta få {type}?',
    unsubscribeQuestionAll: 'Vill du sluta få marknadsföring via e-post från oss?',
    unsubscribeButton: 'Avsluta prenumerationen',
    unsubscribed: 'Du prenumererar inte längre på {type}.',
    unsubscribedAllDone: 'Du har avslutat all marknadsföring via e-post.',
    unsubscribedMore: 'Ångrat dig, eller vill du ändra annan e-post?',
    manageLink: 'Hantera dina prenumerationer',
    confirmTitle: 'Bekräfta din prenumeration',
    confirmQuestion: 'Bekräfta att du vill få {type}.',
    confirmButton: 'Bekräfta min prenumeration',
    confirmed: 'Tack! Nu prenumererar du på {type}.',
    alreadyConfirmed: 'Du prenumererar redan på {type}.',
    confirmMailSubject: 'Bekräfta din prenumeration på {type}',
    confirmMailIntro:
      'Någon, förhoppningsvis du, har bett om att få {type} till den här adressen. Öppna länken för att bekräfta:',
    confirmMailAction: 'Bekräfta min prenumeration',
    confirmMailIgnore: 'Om det inte var du kan du bortse från det här meddelandet, så skickas ingenting.',
    magicTitle: 'Hantera dina prenumerationer',
    magicIntro:
      'Ange din e-postadress så skickar vi en personlig länk till dina prenumerationsinställningar.',
    emailLabel: 'E-postadress',
    magicButton: 'Skicka länken till mig',
    magicSent:
      'Titta i din inkorg. Om adressen finns hos oss har vi skickat en länk till den. Länken fungerar i 7 dagar.',
    invalidEmail: 'Ange en giltig e-postadress, till exempel namn@example.com.',
    magicMailSubject: 'Din länk för att hantera dina prenumerationer',
    magicMailIntro:
      'Använd den här personliga länken för att se och ändra vad du får från oss. Den fungerar i 7 dagar:',
    magicMailAction: 'Hantera dina prenumerationer',
    magicMailIgnore: 'Om du inte bad om länken kan du bortse från det här meddelandet.',
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
    preferencesTitle: 'Dine e-postabonnementer',
    greeting: 'Hei {name}.',
    intro: 'Velg hvilke e-poster vi sender til {email}.',
    legend: 'E-post du kan få',
    pendingNote: 'Venter på bekreftelsen din: sjekk innboksen.',
    noTypes: 'Det er ingenting å abonnere på akkurat nå.',
    withdrawnNotice:
      'Du har meldt deg av all markedsføring på e-post. Kryss av for det du vil få, og lagre for å abonnere igjen.',
    reasonLabel: 'Hvorfor melder du deg av? (valgfritt)',
    save: 'Lagre valgene mine',
    allHeading: 'Meld deg av alt',
    allText: 'Stopp all markedsføring på e-post fra oss. Du kan abonnere igjen her når som helst.',
    allButton: 'Meld meg av all e-post',
    saved: 'Valgene dine er lagret.',
    savedConfirm: 'Vi har sendt deg en e-post for å bekrefte: {types}.',
    unsubscribedAll: 'Du har meldt deg av all markedsføring på e-post.',
    unsubscribeTitle: 'Meld deg av',
    unsubscribeQuestion: 'Vil du slutte å få {type}?',
    unsubscribeQuestionAll: 'Vil du slutte å få markedsføring på e-post fra oss?',
    unsubscribeButton: 'Meld meg av',
    unsubscribed: 'Du er meldt av {type}.',
    unsubscribedAllDone: 'Du har meldt deg av all markedsføring på e-post.',
    unsubscribedMore: 'Ombestemt deg, eller vil du endre annen e-post?',
    manageLink: 'Administrer abonnementene dine',
    confirmTitle: 'Bekreft abonnementet ditt',
    confirmQuestion: 'Bekreft at du vil få {type}.',
    confirmButton: 'Bekreft abonnementet mitt',
    confirmed: 'Takk! Nå abonnerer du på {type}.',
    alreadyConfirmed: 'Du abonnerer allerede på {type}.',
    confirmMailSubject: 'Bekreft abonnementet ditt på {type}',
    confirmMailIntro:
      'Noen, forhåpentligvis du, har bedt om å få {type} til denne adressen. Åpne lenken for å bekrefte:',
    confirmMailAction: 'Bekreft abonnementet mitt',
    confirmMailIgnore: 'Hvis det ikke var deg, kan du se bort fra denne e-posten, så sendes ingenting.',
    magicTitle: 'Administrer abonnementene dine',
    magicIntro:
      'Skriv inn e-postadressen din, så sender vi deg en personlig lenke til abonnementsinnstillingene.',
    emailLabel: 'E-postadresse',
    magicButton: 'Send meg lenken',
    magicSent:
      'Sjekk innboksen. Hvis adressen er registrert hos oss, har vi sendt en lenke til den. Lenken virker i 7 dager.',
    invalidEmail: 'Skriv inn en gyldig e-postadresse, for eksempel navn@example.com.',
    magicMailSubject: 'Lenken din for å administrere abonnementene',
    magicMailIntro:
      'Bruk denne personlige lenken for å se og endre hva du får fra oss. Den virker i 7 dager:',
    magicMailAction: 'Administrer abonnementene dine',
    magicMailIgnore: 'Hvis du ikke ba om denne lenken, kan du se bort fra denne e-posten.',
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
    preferencesTitle: 'Dine e-mailabonnementer',
    greeting: 'Hej {name}.',
    intro: 'Vælg, hvilke e-mails vi sender til {email}.',
    legend: 'E-mails, du kan modtage',
    pendingNote: 'Venter på din bekræftelse: tjek din indbakke.',
    noTypes: 'Der er ikke noget at abonnere på lige nu.',
    withdrawnNotice:
      'Du er afmeldt al markedsføring på e-mail. Sæt kryds ved det, du gerne vil modtage, og gem for at abonnere igen.',
    reasonLabel: 'Hvorfor afmelder du dig? (valgfrit)',
    save: 'Gem mine valg',
    allHeading: 'Afmeld alt',
    allText: 'Stop al markedsføring på e-mail fra os. Du kan altid abonnere igen her.',
    allButton: 'Afmeld alle e-mails',
    saved: 'Dine valg er gemt.',
    savedConfirm: 'Vi har sendt dig en e-mail for at bekræfte: {types}.',
    unsubscribedAll: 'Du er afmeldt al markedsføring på e-mail.',
    unsubscribeTitle: 'Afmeld',
    unsubscribeQuestion: 'Vil du stoppe med at modtage {type}?',
    unsubscribeQuestionAll: 'Vil du stoppe med at modtage markedsføring på e-mail fra os?',
    unsubscribeButton: 'Afmeld',
    unsubscribed: 'Du er afmeldt {type}.',
    unsubscribedAllDone: 'Du er afmeldt al markedsføring på e-mail.',
    unsubscribedMore: 'Har du fortrudt, eller vil du ændre andre e-mails?',
    manageLink: 'Administrer dine abonnementer',
    confirmTitle: 'Bekræft dit abonnement',
    confirmQuestion: 'Bekræft venligst, at du vil modtage {type}.',
    confirmButton: 'Bekræft mit abonnement',
    confirmed: 'Tak! Nu abonnerer du på {type}.',
    alreadyConfirmed: 'Du abonnerer allerede på {type}.',
    confirmMailSubject: 'Bekræft dit abonnement på {type}',
    confirmMailIntro:
      'Nogen, forhåbentlig dig, har bedt om at modtage {type} på denne adresse. Åbn linket for at bekræfte:',
    confirmMailAction: 'Bekræft mit abonnement',
    confirmMailIgnore: 'Hvis det ikke var dig, kan du se bort fra denne e-mail, og intet bliver sendt.',
    magicTitle: 'Administrer dine abonnementer',
    magicIntro:
      'Skriv din e-mailadresse, så sender vi dig et personligt link til dine abonnementsindstillinger.',
    emailLabel: 'E-mailadresse',
    magicButton: 'Send mig linket',
    magicSent:
      'Tjek din indbakke. Hvis adressen er registreret hos os, har vi sendt et link til den. Linket virker i 7 dage.',
    invalidEmail: 'Skriv en gyldig e-mailadresse, for eksempel navn@example.com.',
    magicMailSubject: 'Dit link til at administrere dine abonnementer',
    magicMailIntro:
      'Brug dette personlige link til at se og ændre, hvad du modtager fra os. Det virker i 7 dage:',
    magicMailAction: 'Administrer dine abonnementer',
    magicMailIgnore: 'Hvis du ikke bad om dette link, kan du se bort fra denne e-mail.',
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
    preferencesTitle: 'Sähköpostitilauksesi',
    greeting: 'Hei {name}.',
    intro: 'Valitse, mitä sähköposteja lähetämme osoitteeseen {email}.',
    legend: 'Sähköpostit, joita voit saada',
    pendingNote: 'Odottaa vahvistustasi: katso saapuneet viestit.',
    noTypes: 'Tilattavaa ei ole juuri nyt.',
    withdrawnNotice:
      'Olet peruuttanut kaiken sähköpostimarkkinoinnin. Valitse, mitä haluat saada, ja tallenna tilataksesi uudelleen.',
    reasonLabel: 'Miksi peruutat tilauksen? (vapaaehtoinen)',
    save: 'Tallenna valintani',
    allHeading: 'Peruuta kaikki',
    allText: 'Lopeta kaikki markkinointisähköpostit meiltä. Voit tilata uudelleen täällä milloin tahansa.',
    allButton: 'Peruuta kaikki sähköpostit',
    saved: 'Valintasi on tallennettu.',
    savedConfirm: 'Lähetimme sinulle vahvistusviestin: {types}.',
    unsubscribedAll: 'Olet peruuttanut kaiken sähköpostimarkkinoinnin.',
    unsubscribeTitle: 'Peruuta tilaus',
    unsubscribeQuestion: 'Haluatko lopettaa tilauksen {type}?',
    unsubscribeQuestionAll: 'Haluatko lopettaa markkinointisähköpostit meiltä?',
    unsubscribeButton: 'Peruuta tilaus',
    unsubscribed: 'Tilaus on peruttu: {type}.',
    unsubscribedAllDone: 'Olet peruuttanut kaiken sähköpostimarkkinoinnin.',
    unsubscribedMore: 'Muutitko mielesi, tai haluatko muuttaa muita sähköposteja?',
    manageLink: 'Hallitse tilauksiasi',
    confirmTitle: 'Vahvista tilauksesi',
    confirmQuestion: 'Vahvista, että haluat tilata: {type}.',
    confirmButton: 'Vahvista tilaukseni',
    confirmed: 'Kiitos! Olet nyt tilannut: {type}.',
    alreadyConfirmed: 'Olet jo tilannut: {type}.',
    confirmMailSubject: 'Vahvista tilauksesi: {type}',
    confirmMailIntro:
      'Joku, toivottavasti sinä, pyysi tilausta {type} tähän osoitteeseen. Vahvista avaamalla tämä linkki:',
    confirmMailAction: 'Vahvista tilaukseni',
    confirmMailIgnore:
      'Jos pyyntö ei ollut sinun, voit jättää tämän viestin huomiotta, eikä mitään lähetetä.',
    magicTitle: 'Hallitse tilauksiasi',
    magicIntro:
      'Anna sähköpostiosoitteesi, niin lähetämme sinulle henkilökohtaisen linkin tilausasetuksiisi.',
    emailLabel: 'Sähköpostiosoite',
    magicButton: 'Lähetä linkki minulle',
    magicSent:
      'Katso saapuneet viestit. Jos osoite on rekisteröity meille, lähetimme siihen linkin. Linkki toimii 7 päivää.',
    invalidEmail: 'Anna kelvollinen sähköpostiosoite, esimerkiksi nimi@example.com.',
    magicMailSubject: 'Linkkisi tilaustesi hallintaan',
    magicMailIntro:
      'Tällä henkilökohtaisella linkillä näet ja voit muuttaa, mitä saat meiltä. Se toimii 7 päivää:',
    magicMailAction: 'Hallitse tilauksiasi',
    magicMailIgnore: 'Jos et pyytänyt tätä linkkiä, voit jättää tämän viestin huomiotta.',
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
    preferencesTitle: 'Ihre E-Mail-Abonnements',
    greeting: 'Hallo {name}.',
    intro: 'Wählen Sie, welche E-Mails wir an {email} senden.',
    legend: 'E-Mails, die Sie erhalten können',
    pendingNote: 'Wartet auf Ihre Bestätigung: Bitte sehen Sie in Ihrem Posteingang nach.',
    noTypes: 'Derzeit gibt es nichts zu abonnieren.',
    withdrawnNotice:
      'Sie haben alle Werbe-E-Mails abbestellt. Wählen Sie aus, was Sie erhalten möchten, und speichern Sie, um wieder zu abonnieren.',
    reasonLabel: 'Warum melden Sie sich ab? (optional)',
    save: 'Auswahl speichern',
    allHeading: 'Alles abbestellen',
    allText: 'Keine Werbe-E-Mails mehr von uns. Sie können hier jederzeit wieder abonnieren.',
    allButton: 'Alle E-Mails abbestellen',
    saved: 'Ihre Auswahl ist gespeichert.',
    savedConfirm: 'Wir haben Ihnen eine E-Mail zur Bestätigung geschickt: {types}.',
    unsubscribedAll: 'Sie haben alle Werbe-E-Mails abbestellt.',
    unsubscribeTitle: 'Abmelden',
    unsubscribeQuestion: 'Möchten Sie {type} nicht mehr erhalten?',
    unsubscribeQuestionAll: 'Möchten Sie keine Werbe-E-Mails mehr von uns erhalten?',
    unsubscribeButton: 'Abmelden',
    unsubscribed: 'Sie sind von {type} abgemeldet.',
    unsubscribedAllDone: 'Sie haben alle Werbe-E-Mails abbestellt.',
    unsubscribedMore: 'Anders überlegt, oder möchten Sie andere E-Mails ändern?',
    manageLink: 'Abonnements verwalten',
    confirmTitle: 'Abonnement bestätigen',
    confirmQuestion: 'Bitte bestätigen Sie, dass Sie {type} erhalten möchten.',
    confirmButton: 'Abonnement bestätigen',
    confirmed: 'Vielen Dank! Sie haben {type} jetzt abonniert.',
    alreadyConfirmed: 'Sie haben {type} bereits abonniert.',
    confirmMailSubject: 'Bitte bestätigen Sie Ihr Abonnement: {type}',
    confirmMailIntro:
      'Jemand, hoffentlich Sie, möchte {type} an diese Adresse erhalten. Öffnen Sie zur Bestätigung diesen Link:',
    confirmMailAction: 'Abonnement bestätigen',
    confirmMailIgnore: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail; es wird nichts gesendet.',
    magicTitle: 'Abonnements verwalten',
    magicIntro:
      'Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen persönlichen Link zu Ihren Abonnement-Einstellungen.',
    emailLabel: 'E-Mail-Adresse',
    magicButton: 'Link senden',
    magicSent:
      'Sehen Sie in Ihrem Posteingang nach. Wenn die Adresse bei uns registriert ist, haben wir einen Link an sie gesendet. Der Link ist 7 Tage gültig.',
    invalidEmail: 'Geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@example.com.',
    magicMailSubject: 'Ihr Link zur Verwaltung Ihrer Abonnements',
    magicMailIntro:
      'Mit diesem persönlichen Link sehen und ändern Sie, was Sie von uns erhalten. Er ist 7 Tage gültig:',
    magicMailAction: 'Abonnements verwalten',
    magicMailIgnore: 'Wenn Sie diesen Link nicht angefordert haben, können Sie diese E-Mail ignorieren.',
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
    preferencesTitle: 'Uw e-mailabonnementen',
    greeting: 'Hallo {name}.',
    intro: 'Kies welke e-mails wij naar {email} sturen.',
    legend: 'E-mails die u kunt ontvangen',
    pendingNote: 'Wacht op uw bevestiging: kijk in uw inbox.',
    noTypes: 'Er is op dit moment niets om u op te abonneren.',
    withdrawnNotice:
      'U bent afgemeld voor alle marketing-e-mail. Vink aan wat u wilt ontvangen en sla op om u opnieuw te abonneren.',
    reasonLabel: 'Waarom meldt u zich af? (optioneel)',
    save: 'Mijn keuzes opslaan',
    allHeading: 'Overal voor afmelden',
    allText: 'Stop alle marketing-e-mail van ons. U kunt zich hier altijd opnieuw abonneren.',
    allButton: 'Afmelden voor alle e-mail',
    saved: 'Uw keuzes zijn opgeslagen.',
    savedConfirm: 'We hebben u een e-mail gestuurd om te bevestigen: {types}.',
    unsubscribedAll: 'U bent afgemeld voor alle marketing-e-mail.',
    unsubscribeTitle: 'Afmelden',
    unsubscribeQuestion: 'Wilt u {type} niet meer ontvangen?',
    unsubscribeQuestionAll: 'Wilt u geen marketing-e-mail meer van ons ontvangen?',
    unsubscribeButton: 'Afmelden',
    unsubscribed: 'U bent afgemeld voor {type}.',
    unsubscribedAllDone: 'U bent afgemeld voor alle marketing-e-mail.',
    unsubscribedMore: 'Van gedachten veranderd, of wilt u andere e-mails wijzigen?',
    manageLink: 'Uw abonnementen beheren',
    confirmTitle: 'Bevestig uw abonnement',
    confirmQuestion: 'Bevestig dat u {type} wilt ontvangen.',
    confirmButton: 'Mijn abonnement bevestigen',
    confirmed: 'Bedankt! U bent nu geabonneerd op {type}.',
    alreadyConfirmed: 'U bent al geabonneerd op {type}.',
    confirmMailSubject: 'Bevestig uw abonnement op {type}',
    confirmMailIntro:
      'Iemand, hopelijk u, heeft gevraagd om {type} op dit adres te ontvangen. Open deze link om te bevestigen:',
    confirmMailAction: 'Mijn abonnement bevestigen',
    confirmMailIgnore: 'Was u dit niet? Negeer dan deze e-mail; er wordt niets verstuurd.',
    magicTitle: 'Uw abonnementen beheren',
    magicIntro: 'Vul uw e-mailadres in en we sturen u een persoonlijke link naar uw abonnementsinstellingen.',
    emailLabel: 'E-mailadres',
    magicButton: 'Stuur mij de link',
    magicSent:
      'Kijk in uw inbox. Als dit adres bij ons bekend is, hebben we er een link naartoe gestuurd. De link werkt 7 dagen.',
    invalidEmail: 'Vul een geldig e-mailadres in, zoals naam@example.com.',
    magicMailSubject: 'Uw link om uw abonnementen te beheren',
    magicMailIntro:
      'Met deze persoonlijke link ziet en wijzigt u wat u van ons ontvangt. De link werkt 7 dagen:',
    magicMailAction: 'Uw abonnementen beheren',
    magicMailIgnore: 'Heeft u deze link niet aangevraagd? Dan kunt u deze e-mail negeren.',
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
    preferencesTitle: 'Vos abonnements e-mail',
    greeting: 'Bonjour {name}.',
    intro: 'Choisissez les e-mails que nous envoyons à {email}.',
    legend: 'E-mails que vous pouvez recevoir',
    pendingNote: 'En attente de votre confirmation : consultez votre boîte de réception.',
    noTypes: 'Il n’y a rien à quoi s’abonner pour le moment.',
    withdrawnNotice:
      'Vous êtes désabonné(e) de tous les e-mails marketing. Cochez ce que vous souhaitez recevoir et enregistrez pour vous réabonner.',
    reasonLabel: 'Pourquoi partez-vous ? (facultatif)',
    save: 'Enregistrer mes choix',
    allHeading: 'Se désabonner de tout',
    allText:
      'Ne plus recevoir aucun e-mail marketing de notre part. Vous pouvez vous réabonner ici à tout moment.',
    allButton: 'Me désabonner de tous les e-mails',
    saved: 'Vos choix sont enregistrés.',
    savedConfirm: 'Nous vous avons envoyé un e-mail de confirmation : {types}.',
    unsubscribedAll: 'Vous êtes désabonné(e) de tous les e-mails marketing.',
    unsubscribeTitle: 'Se désabonner',
    unsubscribeQuestion: 'Voulez-vous ne plus recevoir {type} ?',
    unsubscribeQuestionAll: 'Voulez-vous ne plus recevoir d’e-mails marketing de notre part ?',
    unsubscribeButton: 'Me désabonner',
    unsubscribed: 'Vous êtes désabonné(e) de {type}.',
    unsubscribedAllDone: 'Vous êtes désabonné(e) de tous les e-mails marketing.',
    unsubscribedMore: 'Vous avez changé d’avis, ou souhaitez modifier d’autres e-mails ?',
    manageLink: 'Gérer vos abonnements',
    confirmTitle: 'Confirmez votre abonnement',
    confirmQuestion: 'Veuillez confirmer que vous souhaitez recevoir {type}.',
    confirmButton: 'Confirmer mon abonnement',
    confirmed: 'Merci ! Vous êtes maintenant abonné(e) à {type}.',
    alreadyConfirmed: 'Vous êtes déjà abonné(e) à {type}.',
    confirmMailSubject: 'Confirmez votre abonnement à {type}',
    confirmMailIntro:
      'Quelqu’un, vous sans doute, a demandé à recevoir {type} à cette adresse. Pour confirmer, ouvrez ce lien :',
    confirmMailAction: 'Confirmer mon abonnement',
    confirmMailIgnore: 'Si ce n’était pas vous, ignorez cet e-mail : rien ne vous sera envoyé.',
    magicTitle: 'Gérer vos abonnements',
    magicIntro:
      'Saisissez votre adresse e-mail et nous vous enverrons un lien personnel vers vos préférences d’abonnement.',
    emailLabel: 'Adresse e-mail',
    magicButton: 'Envoyez-moi le lien',
    magicSent:
      'Consultez votre boîte de réception. Si cette adresse est enregistrée chez nous, nous lui avons envoyé un lien. Le lien est valable 7 jours.',
    invalidEmail: 'Saisissez une adresse e-mail valide, par exemple nom@example.com.',
    magicMailSubject: 'Votre lien pour gérer vos abonnements',
    magicMailIntro:
      'Ce lien personnel vous permet de voir et de modifier ce que vous recevez de notre part. Il est valable 7 jours :',
    magicMailAction: 'Gérer vos abonnements',
    magicMailIgnore: 'Si vous n’avez pas demandé ce lien, vous pouvez ignorer cet e-mail.',
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

/** Fills `{name}` placeholders; values must already be escaped for where the text lands. */
export const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
