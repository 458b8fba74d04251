import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPage } from '@backstage/core-components';
import type { SignInPageProps } from '@backstage/plugin-app-react';

/**
 * The portal's sign-in: guest for local use (its card says what guest may
 * do), GitHub where auth.environment is production (guest sign-in is
 * refused there).
 */
export function ZtpSignInPage(props: SignInPageProps) {
  const production =
    useApi(configApiRef).getOptionalString('auth.environment') === 'production';
  return (
    <SignInPage
      {...props}
      providers={
        production
          ? [
              {
                id: 'github-auth-provider',
                title: 'GitHub',
                message: 'Sign in with your GitHub account',
                apiRef: githubAuthApiRef,
              },
            ]
          : ['guest']
      }
    />
  );
}
