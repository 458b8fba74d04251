import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have two cores shared by every test worker: give renders and
// async queries room instead of failing on a busy machine.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });
