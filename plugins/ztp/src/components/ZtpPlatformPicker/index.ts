export { ZtpPlatformPicker } from './ZtpPlatformPicker';
export { ztpPlatformPickerFormField } from './formField';
