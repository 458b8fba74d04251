import { screen } from '@testing-library/react';
import {
  createFrontendModule,
  githubAuthApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { GUEST_SIGN_IN_NOTE, guestNote } from '.';
import { ZtpSignInPage } from './ZtpSignInPage';

/** The sign-in page rendered as a page of a test app. */
function renderSignIn(config: Record<string, unknown>) {
  const githubAuthApi = {
    getBackstageIdentity: async () => undefined,
    getProfile: async () => undefined,
    getAccessToken: async () => '',
    getIdToken: async () => '',
    signIn: async () => {},
    signOut: async () => {},
    sessionState$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
  };
  return renderTestApp({
    config: { backend: { baseUrl: 'http://localhost:7007' }, ...config },
    apis: [[githubAuthApiRef, githubAuthApi as never]],
    // The app's guest note, as the app module installs it.
    features: [
      createFrontendModule({ pluginId: 'app', extensions: [guestNote] }),
    ],
    extensions: [
      PageBlueprint.make({
        name: 'sign-in',
        params: {
          path: '/',
          loader: async () => <ZtpSignInPage onSignInSuccess={() => {}} />,
        },
      }),
    ],
  });
}

jest.setTimeout(30_000);

describe('ZtpSignInPage', () => {
  it('offers guest for local use, saying what guest may do and when', async () => {
    renderSignIn({ app: { title: 'ZTP Portal' } });
    expect(
      await screen.findByText(GUEST_SIGN_IN_NOTE, undefined, {
        timeout: 15_000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.queryByText('GitHub')).toBeNull();
  });

  it('offers GitHub, and no guest, in production', async () => {
    renderSignIn({
      app: { title: 'ZTP Portal' },
      auth: { environment: 'production' },
    });
    expect(
      await screen.findByText('GitHub', undefined, { timeout: 15_000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Sign in with your GitHub account'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });
});
