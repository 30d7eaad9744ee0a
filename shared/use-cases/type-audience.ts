/**
 * Who a subscription type reaches today: its subscribers, counted in the members index, whose items
 * exist only while a contact is subscribed (shared/adapters/dynamodb/contact-keys.ts).
 */
import { contactKeys, memberShards } from '#shared/adapters/dynamodb/contact-keys.ts';
import { countMembers } from '#shared/adapters/dynamodb/members.ts';

/**
 * Count a type's subscribers: the items of the type's shards of the members index, counted by
 * DynamoDB (`Select: COUNT`), the shards at once. A selection "subscribed to the type" reads the
 * same items as its members.
 */
export const typeAudience = async (typeId: string) => {
  const shards = await Promise.all(
    Array.from({ length: memberShards }, (_, shard) => countMembers(contactKeys.typeShard(typeId, shard))),
  );
  return { subscribers: shards.reduce((sum, n) => sum + n, 0) };
};
