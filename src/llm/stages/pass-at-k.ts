/**
 * pass@k with the unbiased estimator of Chen et al. (2021): from n samples of a task of which c
 * passed, the chance that k drawn without replacement include a pass is 1 - C(n-c, k) / C(n, k),
 * computed as a product so that large n does not overflow. Averaged over tasks.
 */
export function passAtK(results: readonly (readonly boolean[])[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`passAtK: k must be a positive integer, got ${k}`);
  if (results.length === 0) return 0;
  const perTask = results.map((samples, task) => {
    const n = samples.length;
    if (n < k) throw new RangeError(`passAtK: task ${task} has ${n} samples, fewer than k = ${k}`);
    const c = samples.filter(Boolean).length;
    if (n - c < k) return 1;
    let allFail = 1;
    for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
    return 1 - allFail;
  });
  return perTask.reduce((sum, p) => sum + p, 0) / perTask.length;
}
