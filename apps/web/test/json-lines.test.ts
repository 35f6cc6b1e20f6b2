import { describe, expect, it } from 'vitest';
import { JsonLineSplitter } from '../src/app/json-lines.js';

describe('JsonLineSplitter', () => {
  it('yields each value once its newline arrives, whatever the chunking', () => {
    const text = '{"event":"new_point","point":"127.0.0.1:9732"}\n{"event":"too_few_connections"}\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new JsonLineSplitter();
      const got = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))];
      expect(got).toEqual([{ event: 'new_point', point: '127.0.0.1:9732' }, { event: 'too_few_connections' }]);
    }
  });

  it('keeps an unfinished line for later and skips blank lines', () => {
    const s = new JsonLineSplitter();
    expect(s.push('\n{"a":')).toEqual([]);
    expect(s.push('1}\n\n')).toEqual([{ a: 1 }]);
  });
});
