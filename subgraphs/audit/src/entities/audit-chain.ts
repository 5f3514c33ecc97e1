import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigint = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/** The head of the hash chain: one row, locked by each writer, so replicas extend one chain. */
@Entity({ name: 'audit_chain_head' })
export class AuditChainHeadRecord {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ type: 'bigint', transformer: bigint })
  sequence: number;

  @Column({ name: 'chain_hash', type: 'varchar', length: 64 })
  chainHash: string;

  /**
   * Ed25519 signature (base64) of `sequence:chain_hash`, renewed with every committed group, so
   * the newest record is vouched for as soon as it is committed. Null only before the first write.
   */
  @Column({ type: 'varchar', length: 128, nullable: true })
  signature: string | null;

  /** The Merkle tree's right edge (hex subtree roots, largest first), extended by each commit. */
  @Column({ name: 'tree_frontier', type: 'text', nullable: true })
  treeFrontier: string | null;

  /** The root of the tree over records 1..sequence (RFC 6962), hex. */
  @Column({ name: 'tree_root', type: 'varchar', length: 64, nullable: true })
  treeRoot: string | null;

  /** Ed25519 signature (base64) of `sth:sequence:tree_root`: the signed tree head. */
  @Column({ name: 'tree_signature', type: 'varchar', length: 128, nullable: true })
  treeSignature: string | null;
}

/** A signed checkpoint: the chain hash at a sequence, signed with a key the database does not hold. */
@Entity({ name: 'audit_checkpoint' })
export class AuditCheckpointRecord {
  @PrimaryColumn({ type: 'bigint', transformer: bigint })
  sequence: number;

  @Column({ name: 'chain_hash', type: 'varchar', length: 64 })
  chainHash: string;

  /** Ed25519 signature (base64) of `sequence:chain_hash`. */
  @Column({ type: 'varchar', length: 128 })
  signature: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}

/**
 * The root of each complete run of 1,024 records (leaves chunk*1024 .. +1023 of the Merkle tree),
 * kept so that a proof reads O(n/1024) roots and two chunks of leaves, not the whole log. Filled
 * lazily by the first proof that needs a chunk; trusted by nobody: a proof is only given when the
 * root built from these equals the signed tree head, and a chunk whose leaves are read is checked
 * against them.
 */
@Entity({ name: 'audit_tree_chunk' })
export class AuditTreeChunkRecord {
  @PrimaryColumn({ name: 'chunk_index', type: 'int' })
  chunkIndex: number;

  @Column({ type: 'varchar', length: 64 })
  root: string;
}
