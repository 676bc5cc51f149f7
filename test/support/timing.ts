const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Whether two kinds of request take about as long (timing side channels: known vs unknown e-mail).
 * Pairs are measured back to back, alternating which goes first, so they share the machine's load;
 * the median of the pair ratios ignores drifts. Other test files loading the machine can still skew
 * a round, so up to `rounds` are measured and one inside `within` suffices. Each function runs one
 * request (`i` numbers the pair) and returns how long it took in milliseconds.
 *
 * @example
 *   const { alike, rounds } = await pairedTimings({ a: (i) => timed(known(i)), b: (i) => timed(unknown(i)), within: [0.67, 1.5] });
 *   assert.ok(alike, rounds.join('; '));
 */
export async function pairedTimings(options: {
  a: (i: number) => Promise<number>;
  b: (i: number) => Promise<number>;
  within: readonly [number, number];
  pairs?: number;
  rounds?: number;
  labels?: readonly [string, string];
}): Promise<{ alike: boolean; rounds: string[] }> {
  const [low, high] = options.within;
  const [labelA, labelB] = options.labels ?? ['a', 'b'];
  const rounds: string[] = [];
  for (let r = 0; r < (options.rounds ?? 3); r++) {
    const as: number[] = [];
    const bs: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < (options.pairs ?? 25); i++) {
      const aFirst = i % 2 === 0;
      const first = await (aFirst ? options.a(i) : options.b(i));
      const second = await (aFirst ? options.b(i) : options.a(i));
      as.push(aFirst ? first : second);
      bs.push(aFirst ? second : first);
      ratios.push(as.at(-1)! / bs.at(-1)!);
    }
    const ratio = median(ratios);
    rounds.push(`median ${labelA} ${median(as).toFixed(1)} ms, ${labelB} ${median(bs).toFixed(1)} ms, median pair ratio ${ratio.toFixed(2)}`);
    if (ratio > low && ratio < high) return { alike: true, rounds };
  }
  return { alike: false, rounds };
}
