import fs from 'node:fs';
import path from 'node:path';
import { screen } from '@testing-library/react';
import { coreComponentsTranslationRef } from '@backstage/core-components';
import {
  coreApis,
  PageBlueprint,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import yaml from 'yaml';
import { LogoFull } from './modules/nav/LogoFull';
import { GUEST_SIGN_IN_NOTE, guestNoteModule } from './modules/signIn';

/** The app section of the portal's app-config.yaml, as the app reads it. */
const appConfig = yaml.parse(
  fs.readFileSync(path.resolve(__dirname, '../../../app-config.yaml'), 'utf8'),
).app;

/** Stands in for the ZTP plugin's page at /ztp. */
const ztpPage = PageBlueprint.make({
  name: 'ztp-stand-in',
  params: {
    path: '/ztp',
    loader: async () => <p>ZTP Status Dashboard</p>,
  },
});

describe('the portal app', () => {
  it('lands on the ZTP dashboard, not a 404, at its root address', async () => {
    const app = renderTestApp({
      config: {
        app: { title: appConfig.title, extensions: appConfig.extensions },
      },
      extensions: [ztpPage],
      initialRouteEntries: ['/'],
    });
    expect(await screen.findByText('ZTP Status Dashboard')).toBeInTheDocument();
    expect(
      app.apis.get(coreApis.appHistory)!.getSnapshot().location.pathname,
    ).toBe('/ztp');
  });

  it('names the portal in the sidebar as the sign-in page does', async () => {
    expect(appConfig.title).toBe('ZTP Portal');
    const LogoStandIn = () => <LogoFull />;
    renderTestApp({
      config: { app: { title: appConfig.title } },
      extensions: [
        PageBlueprint.make({
          name: 'logo',
          params: { path: '/', loader: async () => <LogoStandIn /> },
        }),
      ],
    });
    expect(await screen.findByText('ZTP Portal')).toBeInTheDocument();
    expect(screen.queryByText('Backstage')).toBeNull();
  });

  it('tells on the sign-in page what guest may do and when', async () => {
    const GuestSubtitle = () => {
      const { t } = useTranslationRef(coreComponentsTranslationRef);
      return <p>{t('signIn.guestProvider.subtitle')}</p>;
    };
    // The note's module alone: a sign-in page would hold a test app at its
    // bootstrap until someone signs in.
    renderTestApp({
      features: [guestNoteModule],
      extensions: [
        PageBlueprint.make({
          name: 'guest',
          params: { path: '/', loader: async () => <GuestSubtitle /> },
        }),
      ],
    });
    expect(await screen.findByText(GUEST_SIGN_IN_NOTE)).toBeInTheDocument();
    expect(GUEST_SIGN_IN_NOTE).toMatch(
      /only while the portal listens on loopback/,
    );
  });
});
