import { GraphQLError } from 'graphql';
import type { CareTeamMemberResolvers } from '../__generated__/resolvers-types.js';

export const CareTeamMember: CareTeamMemberResolvers = {
  practitioner: async (m, _args, ctx) => {
    const practitioner = await ctx.loaders.practitioner.load(m.practitionerId);
    // A dangling reference is a data fault, not a client error: masked as internal.
    if (!practitioner) throw new GraphQLError('care team member without practitioner');
    return practitioner;
  },
  period: (m) => ({ start: m.periodStart, end: m.periodEnd }),
};
