import { badInput } from '@ehr/common';
import { ProofUnavailableError, type ProofDocument } from '../proofs.js';

/** A proof the log cannot give (no signed head yet, a size it never signed, a damaged log): said plainly. */
export async function proofOrRefusal(make: () => Promise<ProofDocument | null>): Promise<ProofDocument | null> {
  try {
    return await make();
  } catch (err) {
    if (err instanceof ProofUnavailableError) throw badInput(err.message);
    throw err;
  }
}

/** The GraphQL shape of a proof: its parts, and the whole document to keep and check offline. */
export function proofView(doc: ProofDocument) {
  return {
    kind: doc.kind,
    treeSize: doc.treeHead.size,
    rootHash: doc.treeHead.root,
    signature: doc.treeHead.signature,
    leafIndex: doc.leafIndex ?? null,
    fromSize: doc.fromSize ?? null,
    fromRoot: doc.fromRoot ?? null,
    path: doc.path ?? doc.proof ?? [],
    document: JSON.stringify(doc),
  };
}
