import type { CoverageResolvers } from '../__generated__/resolvers-types.js';

export const Coverage: CoverageResolvers = {
  period: (c) => ({ start: c.periodStart, end: c.periodEnd }),
};
