/**
 * The words of signing in and out, in English and Swedish, with the words every page shows
 * (strings.ts): only the session group's function keeps them (the sign-in page sits beside the
 * error page every group shows). Pure.
 */
import { type ConsoleLanguage, type ConsoleStrings, withSharedWords } from './strings.ts';

const en = {
  signInTitle: 'Sign in',
  signInIntro:
    'Sign in with your API key. An administrator creates keys; the local stack prints an admin key when it starts. The key is checked once and never shown again; your session lasts 8 hours.',
  apiKey: 'API key',
  signIn: 'Sign in',
  keyRefused: 'This key is unknown or has been revoked.',
  keyRequired: 'Enter your API key.',
  sessionEnded: 'Your session has ended. Sign in again to go back to where you were.',
  signInExpired: 'The sign-in form expired. Please sign in again.',
  signedOut: 'You are signed out.',
};

const sv: typeof en = {
  signInTitle: 'Logga in',
  signInIntro:
    'Logga in med din API-nyckel. En administratör skapar nycklar; den lokala stacken skriver ut en administratörsnyckel när den startar. Nyckeln kontrolleras en gång och visas aldrig igen; sessionen varar i 8 timmar.',
  apiKey: 'API-nyckel',
  signIn: 'Logga in',
  keyRefused: 'Nyckeln är okänd eller har återkallats.',
  keyRequired: 'Skriv din API-nyckel.',
  sessionEnded: 'Din session har tagit slut. Logga in igen för att komma tillbaka dit du var.',
  signInExpired: 'Inloggningsformuläret har gått ut. Logga in igen.',
  signedOut: 'Du är utloggad.',
};

export type SessionStrings = ConsoleStrings & typeof en;

export const sessionStrings: Record<ConsoleLanguage, SessionStrings> = /* @__PURE__ */ withSharedWords({
  en,
  sv,
});
