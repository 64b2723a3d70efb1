/** The controllable clock for tests (see src/clock.ts): tests move time instead of sleeping. */
export { createTestClock, type TestClock } from '../../src/clock.ts';
