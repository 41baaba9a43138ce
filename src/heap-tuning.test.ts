import { workerExecArgv } from './heap-tuning.js';

// The cluster primary's choice of V8 flags for its workers (src/main.ts passes availableParallelism()).

describe('workerExecArgv', () => {
  test('workers that fill the cores collect garbage on their own thread', () => {
    expect(workerExecArgv(2, 2, [])).toEqual(['--single-threaded-gc']);
    expect(workerExecArgv(4, 2, ['--enable-source-maps'])).toEqual(['--enable-source-maps', '--single-threaded-gc']);
  });

  test('fewer workers than cores keep V8 parallel collection (a core is idle to help)', () => {
    expect(workerExecArgv(2, 4, [])).toEqual([]);
    expect(workerExecArgv(3, 4, ['--max-old-space-size=512'])).toEqual(['--max-old-space-size=512']);
  });

  test('an operator flag either way is kept as given, never overridden', () => {
    expect(workerExecArgv(2, 2, ['--no-single-threaded-gc'])).toEqual(['--no-single-threaded-gc']);
    expect(workerExecArgv(2, 2, ['--single-threaded-gc'])).toEqual(['--single-threaded-gc']);
  });

  test('an operator flag in NODE_OPTIONS wins too (node reads it before the command line)', () => {
    expect(workerExecArgv(2, 2, [], '--max-old-space-size=512 --no-single-threaded-gc')).toEqual([]);
    expect(workerExecArgv(2, 2, [], '--single_threaded_gc')).toEqual([]);
    expect(workerExecArgv(2, 2, [], '--max-old-space-size=512')).toEqual(['--single-threaded-gc']);
  });

  test('the inherited list is not modified', () => {
    const inherited = ['--enable-source-maps'];
    workerExecArgv(2, 2, inherited);
    expect(inherited).toEqual(['--enable-source-maps']);
  });
});
