// splitArgs: the quoting rules of Redis's sdssplitargs (inline requests and
// redis.conf lines). Expected values follow the C code case by case; the
// integration test compares inline requests with a real redis-server.

import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/protocol/inline.js';

describe('splitArgs', () => {
  it('splits on runs of white space (isspace: space, \\t \\n \\v \\f \\r)', () => {
    expect(splitArgs('SET a b')).toEqual(['SET', 'a', 'b']);
    expect(splitArgs('  SET \t\x0b\x0c a  ')).toEqual(['SET', 'a']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs(' \t\r\n ')).toEqual([]);
  });

  it('inside a word only space, \\t, \\n and \\r end it (not \\v or \\f)', () => {
    expect(splitArgs('a\x0bb c\x0cd')).toEqual(['a\x0bb', 'c\x0cd']);
    expect(splitArgs('a\rb\nc\td')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('double quotes with escapes', () => {
    expect(splitArgs('SET "a b" "\\x41"')).toEqual(['SET', 'a b', 'A']);
    expect(splitArgs('"\\n\\r\\t\\b\\a"')).toEqual(['\n\r\t\b\x07']);
    expect(splitArgs('"\\\\ \\" \\q \\\'"')).toEqual(['\\ " q \'']);
    expect(splitArgs('"\\xff\\x00\\xAb\\xaB"')).toEqual(['\xff\x00\xab\xab']);
    // Not two hex digits: the backslash escapes the 'x'.
    expect(splitArgs('"\\xg1" "\\x1"')).toEqual(['xg1', 'x1']);
    expect(splitArgs('""')).toEqual(['']);
    expect(splitArgs('"" ""')).toEqual(['', '']);
  });

  it('single quotes: only \\\' is an escape', () => {
    expect(splitArgs("'c d'")).toEqual(['c d']);
    expect(splitArgs("'it\\'s'")).toEqual(["it's"]);
    expect(splitArgs("'\\n\\x41\\ '")).toEqual(['\\n\\x41\\ ']);
    expect(splitArgs("''")).toEqual(['']);
  });

  it('a quote in the middle of a word opens a quoted part of it', () => {
    expect(splitArgs('ab"c d"')).toEqual(['abc d']);
    expect(splitArgs("ab'c d' e")).toEqual(['abc d', 'e']);
  });

  it('a closing quote must be followed by white space or the end', () => {
    expect(splitArgs('"a"b')).toBeNull();
    expect(splitArgs("'a'b")).toBeNull();
    expect(splitArgs('"a""b"')).toBeNull();
    expect(splitArgs('"a"\tb')).toEqual(['a', 'b']);
    expect(splitArgs('"a"\x0bb')).toEqual(['a', 'b']);
  });

  it('unbalanced quotes', () => {
    expect(splitArgs('"abc')).toBeNull();
    expect(splitArgs("'abc")).toBeNull();
    expect(splitArgs('"abc\\"')).toBeNull();
    expect(splitArgs('"abc\\')).toBeNull();
    expect(splitArgs("'abc\\'")).toBeNull();
    expect(splitArgs('a "b')).toBeNull();
  });

  it('bytes 0x80-0xff pass through as one char each', () => {
    let s = '';
    for (let i = 0x80; i < 0x100; i++) s += String.fromCharCode(i);
    expect(splitArgs(`SET k ${s}`)).toEqual(['SET', 'k', s]);
    expect(splitArgs(`"${s}"`)).toEqual([s]);
  });

  it('a NUL byte ends the line, as it ends the C string', () => {
    expect(splitArgs('ab\0cd')).toEqual(['ab']);
    expect(splitArgs('ab \0 cd')).toEqual(['ab']);
    expect(splitArgs('"ab\0cd"')).toBeNull();
  });
});
