import { decodeCursor, encodeCursor, parseFirst, parseId } from '@ehr/common';
import { GraphQLError } from 'graphql';

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as GraphQLError).extensions?.code;
  }
  return 'no error';
}

describe('argument parsing', () => {
  const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('accepts record ids and rejects anything else as BAD_USER_INPUT without echoing it', () => {
    expect(parseId(id)).toBe(id);
    for (const bad of ['', '1', "1' OR '1'='1", id.toUpperCase(), `${id} `, 42, null]) {
      expect(codeOf(() => parseId(bad))).toBe('BAD_USER_INPUT');
    }
    try {
      parseId("x' OR 1=1 --");
    } catch (err) {
      expect((err as Error).message).not.toContain('OR 1=1');
    }
  });

  it('bounds page sizes', () => {
    expect(parseFirst(undefined)).toBe(20);
    expect(parseFirst(100)).toBe(100);
    for (const bad of [0, -1, 101, 1.5, '10']) expect(codeOf(() => parseFirst(bad))).toBe('BAD_USER_INPUT');
  });

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor(undefined)).toBeUndefined();
    for (const bad of ['garbage', Buffer.from("c:' OR 1=1").toString('base64url'), 'x'.repeat(500)]) {
      expect(codeOf(() => decodeCursor(bad))).toBe('BAD_USER_INPUT');
    }
  });
});
