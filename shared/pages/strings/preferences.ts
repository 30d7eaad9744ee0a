/** The preference page, per language. Placeholders in braces are filled by the templates after escaping. Pure. */
import type { Language } from '#shared/domain/i18n.ts';

export interface PreferenceStrings {
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
}

export const preferenceStrings: Record<Language, PreferenceStrings> = {
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
  },
};
