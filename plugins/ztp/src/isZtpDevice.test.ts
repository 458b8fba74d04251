import { isZtpDevice } from './isZtpDevice';

const entity = (kind: string, type?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'leaf-01' },
  spec: type ? { type } : {},
});

describe('isZtpDevice', () => {
  it('accepts Resources of type network-device, whatever the kind case', () => {
    expect(isZtpDevice(entity('Resource', 'network-device'))).toBe(true);
    expect(isZtpDevice(entity('resource', 'network-device'))).toBe(true);
  });

  it('rejects other kinds and types', () => {
    expect(isZtpDevice(entity('Resource', 'database'))).toBe(false);
    expect(isZtpDevice(entity('Component', 'network-device'))).toBe(false);
    expect(isZtpDevice(entity('Resource'))).toBe(false);
  });
});
