import { useEffect, useState } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { ZtpPlatform } from '@ztp-portal/backstage-plugin-ztp-common';
import { ztpApiRef } from '../../api';

/**
 * The Scaffolder field of a device's platform: its choices are the
 * platforms the backend's modules installed (GET /api/ztp/platforms), so a
 * new platform package shows up in the form without editing the template.
 */
export function ZtpPlatformPicker(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, required, schema, rawErrors, idSchema } = props;
  const api = useApi(ztpApiRef);
  const [platforms, setPlatforms] = useState<ZtpPlatform[]>();
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    const controller = new AbortController();
    api
      .listPlatforms({ signal: controller.signal })
      .then(list => setPlatforms(list.items))
      .catch(e => {
        if (!controller.signal.aborted) {
          setLoadError(`Could not load the installed platforms: ${e.message}`);
        }
      });
    return () => controller.abort();
  }, [api]);

  const errors = rawErrors?.filter(Boolean) ?? [];
  const helperText =
    loadError ??
    (errors.length ? errors.join('; ') : undefined) ??
    schema.description;
  return (
    <TextField
      id={idSchema?.$id ?? 'ztp-platform'}
      select
      fullWidth
      margin="normal"
      label={schema.title ?? 'Platform'}
      required={required}
      value={platforms ? formData ?? '' : ''}
      onChange={e => onChange(e.target.value || undefined)}
      error={Boolean(loadError) || errors.length > 0}
      helperText={helperText}
      disabled={!platforms}
    >
      {(platforms ?? []).map(p => (
        <MenuItem key={p.id} value={p.id}>
          {p.displayName}
        </MenuItem>
      ))}
    </TextField>
  );
}
