import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { guestNoteModule, signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, navModule, signInModule, guestNoteModule],
});
