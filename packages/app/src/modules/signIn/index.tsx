import {
  createFrontendModule,
  createTranslationMessages,
} from '@backstage/frontend-plugin-api';
import { coreComponentsTranslationRef } from '@backstage/core-components';
import {
  SignInPageBlueprint,
  TranslationBlueprint,
} from '@backstage/plugin-app-react';

/**
 * What the guest sign-in means here: the permission policy makes guest a
 * ZTP operator only while the backend listens on loopback.
 */
export const GUEST_SIGN_IN_NOTE =
  'For local use, without a password. Guest may reveal device passwords, correct serials and push configurations only while the portal listens on loopback (backend.listen.host 127.0.0.1, the default); bound to any other address, guest can only read. Production uses a real sign-in provider.';

/** Guest for local use; GitHub where auth.environment is production. */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (await import('./ZtpSignInPage')).ZtpSignInPage,
  },
});

export const guestNote = TranslationBlueprint.make({
  name: 'guest-note',
  params: {
    resource: createTranslationMessages({
      ref: coreComponentsTranslationRef,
      messages: { 'signIn.guestProvider.subtitle': GUEST_SIGN_IN_NOTE },
    }),
  },
});

/** The guest card's subtitle: what guest may do (GUEST_SIGN_IN_NOTE). */
export const guestNoteModule = createFrontendModule({
  pluginId: 'app',
  extensions: [guestNote],
});

/** The sign-in page: guest for local use, GitHub in production. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
