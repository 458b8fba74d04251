import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { ZtpPlatformPicker } from './ZtpPlatformPicker';

/** `ui:field: ZtpPlatformPicker` in a Scaffolder template. */
export const ztpPlatformPickerFormField = createFormField({
  name: 'ZtpPlatformPicker',
  component: ZtpPlatformPicker,
});
