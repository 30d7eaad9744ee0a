/**
 * Key strings of everything in the contacts table, in one place (see the README's access patterns).
 *
 * | item            | pk                  | sk                 | members index (gpk / gsk)          |
 * |-----------------|---------------------|--------------------|------------------------------------|
 * | contact         | `C#<contactId>`     | `PROFILE`          | —                                  |
 * | e-mail claim    | `E#<emailKey>`      | `CLAIM`            | —                                  |
 * | history entry   | `C#<contactId>`     | `H#<changeId>`     | —                                  |
 * | type membership | `C#<contactId>`     | `M#T#<typeId>`     | `T#<typeId>#<shard>` / contactId   |
 * | interest member | `C#<contactId>`     | `M#I#<tag>`        | `I#<tag>#<shard>` / contactId      |
 * | suppression     | `S#<fingerprint>`   | `SUPPRESSION`      | —                                  |
 *
 * Membership items exist only while the contact is subscribed to the type (or has the interest),
 * which keeps the index sparse: reading the members of a type never touches anyone else.
 */
import { createHash } from 'node:crypto';

/** Shards per type/interest in the members index: spreads one big type over partitions. */
export const memberShards = 16;

/** Stable shard of a contact (its memberships of every type land in the same shard number). */
export const shardOf = (contactId: string): number =>
  createHash('md5').update(contactId).digest().readUInt16BE(0) % memberShards;

export const contactKeys = {
  contact: (contactId: string) => ({ pk: `C#${contactId}`, sk: 'PROFILE' }),
  claim: (emailKey: string) => ({ pk: `E#${emailKey}`, sk: 'CLAIM' }),
  history: (contactId: string, changeId: string) => ({ pk: `C#${contactId}`, sk: `H#${changeId}` }),
  historyPrefix: 'H#',
  typeMember: (contactId: string, typeId: string) => ({ pk: `C#${contactId}`, sk: `M#T#${typeId}` }),
  interestMember: (contactId: string, tag: string) => ({ pk: `C#${contactId}`, sk: `M#I#${tag}` }),
  memberPrefix: 'M#',
  typeShard: (typeId: string, shard: number) => `T#${typeId}#${shard}`,
  interestShard: (tag: string, shard: number) => `I#${tag}#${shard}`,
  suppression: (fingerprint: string) => ({ pk: `S#${fingerprint}`, sk: 'SUPPRESSION' }),
};
