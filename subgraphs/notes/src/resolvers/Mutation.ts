import { randomUUID } from 'node:crypto';
import { badInput, forbidden, newId, parseId } from '@ehr/common';
import { NOTE_TYPES } from '@ehr/policy';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';

const MAX_TEXT = 20_000;

export const Mutation: MutationResolvers = {
  createClinicalNote: async (_root, args, ctx) => {
    const patientId = parseId(args.patientId, 'patientId');
    if (!(NOTE_TYPES as readonly string[]).includes(args.type)) {
      throw badInput(`Argument "type" must be one of ${NOTE_TYPES.join(', ')}`);
    }
    const text = args.text.trim();
    if (text.length === 0 || text.length > MAX_TEXT) throw badInput(`Argument "text" must be 1-${MAX_TEXT} characters`);
    if (!ctx.access.canWriteNoteType(args.type)) throw forbidden(`Not permitted to write ${args.type} notes`);
    if (!ctx.identity.practitionerId) throw forbidden('Only a practitioner can author a note');
    const note = await ctx.reads.create({
      id: newId(),
      patientId,
      authorId: ctx.identity.practitionerId,
      type: args.type,
      authoredAt: new Date().toISOString(),
      text,
    });
    // The new state is kept in the audit trail sealed to its record; the record names ids only.
    const recordId = randomUUID();
    ctx.audit.mutation({
      id: recordId,
      action: 'CREATE',
      entityType: 'ClinicalNote',
      entityId: note.id,
      patientId,
      afterState: ctx.sealState(note, recordId),
    });
    return note;
  },
};
