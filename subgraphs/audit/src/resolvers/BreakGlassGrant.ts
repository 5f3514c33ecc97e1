import { PURPOSES } from '@ehr/common';
import type { BreakGlassGrantResolvers } from '../__generated__/resolvers-types.js';

export const BreakGlassGrant: BreakGlassGrantResolvers = {
  purposeOfUse: () => PURPOSES.breakGlass,
};
