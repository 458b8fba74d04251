import { ztpPlugin } from './plugin';

describe('ztp', () => {
  it('should export plugin', () => {
    expect(ztpPlugin).toBeDefined();
  });
});
