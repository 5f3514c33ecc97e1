import { ConfigError } from '@ehr/common';

/** The problems a configuration is refused with (fails the test when it is accepted). */
export function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('configuration accepted');
}
