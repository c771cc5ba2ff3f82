// Number parsing and formatting against the C library's behaviour. Expected
// strings were produced by glibc (printf "%.17g", strtod, and strtold +
// "%.17Lf" on x86-64 long double, as Redis's ld2string does).

import { describe, expect, it } from 'vitest';
import {
  INT64_MAX, INT64_MIN, addInt64, addLongDouble, formatDouble17g, formatLongDouble, formatLongDoubleHuman,
  parseFloatStrict, parseInt64, parseLongDouble,
} from '../../src/util/numbers.js';

describe('parseInt64 (string2ll)', () => {
  it('accepts canonical integers', () => {
    expect(parseInt64('0')).toBe(0);
    expect(parseInt64('7')).toBe(7);
    expect(parseInt64('-7')).toBe(-7);
    expect(parseInt64('123456789012345')).toBe(123456789012345);
    expect(parseInt64('9007199254740991')).toBe(9007199254740991);
    expect(parseInt64('-9007199254740991')).toBe(-9007199254740991);
    expect(parseInt64('9007199254740992')).toBe(9007199254740992n);
    expect(parseInt64('9223372036854775807')).toBe(INT64_MAX);
    expect(parseInt64('-9223372036854775808')).toBe(INT64_MIN);
  });

  it('refuses everything string2ll refuses', () => {
    for (const s of ['', '-', '+1', ' 1', '1 ', '01', '-0', '00', '1.0', '1e3', '0x10', '1a', 'a', '9223372036854775808',
      '-9223372036854775809', '99999999999999999999', '123456789012345678901', '1\x00', '\x001', '--1', '١']) {
      expect(parseInt64(s), JSON.stringify(s)).toBeNull();
    }
  });
});

describe('addInt64', () => {
  it('adds exactly and reports overflow', () => {
    expect(addInt64(1, 2)).toBe(3);
    expect(addInt64(9007199254740991, 1)).toBe(9007199254740992n);
    expect(addInt64(9007199254740992n, -1)).toBe(9007199254740991);
    expect(addInt64(INT64_MAX, 0)).toBe(INT64_MAX);
    expect(addInt64(INT64_MAX, 1)).toBeNull();
    expect(addInt64(INT64_MIN, -1)).toBeNull();
    expect(addInt64(INT64_MIN, INT64_MAX)).toBe(-1);
    expect(addInt64(-9007199254740991, -2)).toBe(-9007199254740993n);
  });
});

describe('formatDouble17g (printf %.17g)', () => {
  const cases: [number, string][] = [
    [0.1, '0.10000000000000001'], [1.5, '1.5'], [100, '100'], [1e17, '1e+17'], [1e16, '10000000000000000'],
    [12345678901234567, '12345678901234568'], [123456789012345678, '1.2345678901234568e+17'], [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'], [1e-300, '1e-300'], [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [-2.5, '-2.5'], [3.141592653589793, '3.1415926535897931'],
    [2.5e-5, '2.5000000000000001e-05'], [1e21, '1e+21'], [0.30000000000000004, '0.30000000000000004'],
    [123.456, '123.456'], [9007199254740993, '9007199254740992'], [-0.000123456789, '-0.000123456789'],
    // Exact ties: printf rounds to even where toExponential rounds away from zero.
    [1000000000000000.25, '1000000000000000.2'], [1000000000000000.75, '1000000000000000.8'],
    [4503599627370497.5, '4503599627370498'],
    [0, '0'], [-0, '-0'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
  ];
  for (const [d, s] of cases) {
    it(`${d} -> ${s}`, () => {
      expect(formatDouble17g(d)).toBe(s);
    });
  }
});

describe('parseFloatStrict (string2d)', () => {
  it('accepts what strtod takes whole', () => {
    expect(parseFloatStrict('1.5')).toBe(1.5);
    expect(parseFloatStrict('-.5')).toBe(-0.5);
    expect(parseFloatStrict('5.')).toBe(5);
    expect(parseFloatStrict('+3e2')).toBe(300);
    expect(parseFloatStrict('1E-2')).toBe(0.01);
    expect(parseFloatStrict('inf')).toBe(Infinity);
    expect(parseFloatStrict('-Infinity')).toBe(-Infinity);
    expect(parseFloatStrict('0x1.8p1')).toBe(3);
    expect(parseFloatStrict('0x10')).toBe(16);
    expect(parseFloatStrict('0x.8')).toBe(0.5);
    expect(parseFloatStrict('0x1p-1074')).toBe(5e-324);
    expect(parseFloatStrict('4e-320')).toBe(4e-320);
    expect(parseFloatStrict('0e-999999')).toBe(0);
    expect(Object.is(parseFloatStrict('-0'), -0)).toBe(true);
    // 2^-53 past 1 rounds to even: 1; a hair more rounds up.
    expect(parseFloatStrict('0x1.00000000000008p0')).toBe(1);
    expect(parseFloatStrict('0x1.00000000000018p0')).toBe(1 + 2 * 2 ** -52);
  });

  it('refuses the rest, overflow and underflow included (ERANGE)', () => {
    for (const s of ['', ' 1', '1 ', 'nan', 'NaN', '-nan', '1e', '1e+', '.', 'e5', '0x', '0xg', '0x1p', '1,5', '1_0',
      'infinit', '1e400', '-1e400', '1e-400', '0x1p-1080', '0x1p1024', '1.7976931348623159e308', '\x001', '1\x00']) {
      expect(parseFloatStrict(s), JSON.stringify(s)).toBeNull();
    }
  });
});

describe('long double arithmetic (INCRBYFLOAT)', () => {
  function incr(a: string, b: string): string | null {
    const x = parseLongDouble(a);
    const y = parseLongDouble(b);
    if (x === null || y === null) return 'ERR';
    const r = addLongDouble(x, y);
    return r === null ? null : formatLongDouble(r);
  }

  it('matches strtold + %.17Lf', () => {
    const cases: [string, string, string][] = [
      ['10.5', '0.1', '10.6'], ['0.1', '0.2', '0.3'], ['5.0e3', '2.0e2', '5200'], ['1e20', '1', '100000000000000000000'],
      ['1e-20', '0', '0'], ['-1e-20', '0', '0'], ['0', '5e-18', '0'], ['0', '4e-18', '0'], ['3', '-3', '0'],
      ['1.1', '2.2', '3.3'], ['99999999999999999', '0.5', '99999999999999999.5'], ['2', '0x1p-2', '2.25'],
      ['3.14159265358979323846264338327950288', '0', '3.14159265358979324'], ['1e-4940', '1', '1'],
      ['123456789012345678', '1', '123456789012345679'], ['-12345.678', '-0.001', '-12345.67900000000000027'],
      ['0.000001', '0.000001', '0.000002'],
      ['1.7976931348623157e308', '1e308', '279769313486231570002352240441350078789299929179619934003987695617693370918830364684014944221042050987341155710361544171686148029276505307138777262321877129888036065002204239033812550598509174132739480498569620043582760541189365866551522561741435317031294527744011878159793174665688773926186886103199182225408'],
    ];
    for (const [a, b, want] of cases) expect(incr(a, b), `${a} + ${b}`).toBe(want);
  });

  it('handles values only a long double can hold', () => {
    const r = incr('1e4000', '0')!;
    expect(r.length).toBe(4000);
    expect(r.startsWith('99999999999999999999654638730996237849324925835069576313015')).toBe(true);
    expect(r.endsWith('020629864357825543441956972190272729951206648276349901340672')).toBe(true);
    // The largest long double is about 1.19e4932.
    expect(parseLongDouble('1e4932')).not.toBeNull();
    expect(parseLongDouble('1.2e4932')).toBeNull();
    expect(parseLongDouble('1e-4950')).not.toBeNull();
    expect(parseLongDouble('1e-4952')).toBeNull();
  });

  it('reports NaN and infinity results and refuses bad input', () => {
    expect(incr('1', 'inf')).toBeNull();
    expect(incr('inf', '-inf')).toBeNull();
    expect(incr('1.1e4932', '1.1e4932')).toBeNull();
    for (const s of ['', 'nan', ' 1', '1 ', 'abc', '1e', '0x', '1e5000', '1e-5000', '1\x002', 'x'.repeat(10)]) {
      expect(parseLongDouble(s), JSON.stringify(s)).toBeNull();
    }
    expect(parseLongDouble('1' + '0'.repeat(5118))).toBeNull(); // 5119 chars: over string2ld's buffer
    expect(parseLongDouble('0.' + '0'.repeat(5000) + '1')).toBeNull();
  });

  it('formatLongDoubleHuman shows a double as the number a user typed', () => {
    expect(formatLongDoubleHuman(10.6)).toBe('10.6');
    expect(formatLongDoubleHuman(0.3)).toBe('0.3');
    expect(formatLongDoubleHuman(-0)).toBe('0');
    expect(formatLongDoubleHuman(5200)).toBe('5200');
    expect(formatLongDoubleHuman(1e21)).toBe('1000000000000000000000');
    expect(formatLongDoubleHuman(1e-18)).toBe('0');
    expect(formatLongDoubleHuman(1.5e-17)).toBe('0.00000000000000002');
    expect(formatLongDoubleHuman(-2.5)).toBe('-2.5');
    expect(formatLongDoubleHuman(Infinity)).toBe('inf');
    expect(formatLongDoubleHuman(-Infinity)).toBe('-inf');
    expect(formatLongDoubleHuman(NaN)).toBe('nan');
  });
});
