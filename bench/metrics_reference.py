"""NumPy/SciPy reference for bench/metrics.ts: FID, KID, precision/recall, density/coverage.

Usage: python3 bench/metrics_reference.py WORK_DIR DIMS [DIMS ...] [--repeats N]

Reads WORK_DIR/real_<dims>.npy and fake_<dims>.npy (float32 features) and the KID subset rows
kid_real_<dims>.npy and kid_fake_<dims>.npy (int32, subsets x size) that syngan drew, computes
the metrics the way the usual Python implementations do (pytorch-fid's scipy.linalg.sqrtm for
FID, unbiased MMD^2 with the cubic kernel per subset for KID, k-NN radii for PRDC), and prints
one JSON object with the values and the median time of each metric in milliseconds.
"""
import json
import sys
import time
import warnings

import numpy as np
from scipy import linalg

BLOCK_ROWS = 2000


def fid(real, fake):
    """Frechet distance as pytorch-fid computes it (float64 statistics, scipy sqrtm)."""
    mu1, mu2 = real.mean(axis=0), fake.mean(axis=0)
    sigma1, sigma2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    diff = mu1 - mu2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        covmean = linalg.sqrtm(sigma1.dot(sigma2))
        if not np.isfinite(covmean).all():
            offset = np.eye(sigma1.shape[0]) * 1e-6
            covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("imaginary component %s" % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def kernel(x, y):
    return (x @ y.T / x.shape[1] + 1) ** 3


def mmd2(x, y):
    m, n = len(x), len(y)
    kxx, kyy, kxy = kernel(x, x), kernel(y, y), kernel(x, y)
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
            - 2 * kxy.sum() / (m * n))


def kernel_sum_without_diagonal(x, y, same):
    """Sum of k(x_i, y_j) over all pairs (i != j when x is y), in row blocks to bound memory."""
    total = 0.0
    for start in range(0, len(x), BLOCK_ROWS):
        block = kernel(x[start:start + BLOCK_ROWS], y)
        total += block.sum()
        if same:
            rows = np.arange(block.shape[0])
            total -= block[rows, rows + start].sum()
    return total


def kid(real, fake, real_subsets, fake_subsets):
    values = np.array([mmd2(real[r], fake[f]) for r, f in zip(real_subsets, fake_subsets)])
    m, n = len(real), len(fake)
    full = (kernel_sum_without_diagonal(real, real, True) / (m * (m - 1))
            + kernel_sum_without_diagonal(fake, fake, True) / (n * (n - 1))
            - 2 * kernel_sum_without_diagonal(real, fake, False) / (m * n))
    return float(values.mean()), float(values.std()), float(full)


def squared_distances(x, y):
    d2 = (x * x).sum(axis=1)[:, None] + (y * y).sum(axis=1)[None, :] - 2 * x @ y.T
    return np.maximum(d2, 0)


def knn_radii2(x, ks):
    """Squared distance to the k-th nearest neighbour in x for each k in ks, the sample itself excluded."""
    radii = [np.empty(len(x)) for _ in ks]
    for start in range(0, len(x), BLOCK_ROWS):
        d2 = squared_distances(x[start:start + BLOCK_ROWS], x)
        rows = np.arange(d2.shape[0])
        d2[rows, rows + start] = np.inf
        nearest = np.partition(d2, [k - 1 for k in ks], axis=1)
        for radius, k in zip(radii, ks):
            radius[start:start + BLOCK_ROWS] = nearest[:, k - 1]
    return radii


def prdc(real, fake, k_pr=3, k_dc=5):
    real_pr, real_dc = knn_radii2(real, [k_pr, k_dc])
    (fake_pr,) = knn_radii2(fake, [k_pr])
    precision_hit = np.zeros(len(fake), dtype=bool)
    recall_hit = np.zeros(len(real), dtype=bool)
    coverage_hit = np.zeros(len(real), dtype=bool)
    density_count = 0
    for start in range(0, len(real), BLOCK_ROWS):
        d2 = squared_distances(real[start:start + BLOCK_ROWS], fake)
        precision_hit |= (d2 <= real_pr[start:start + BLOCK_ROWS, None]).any(axis=0)
        recall_hit[start:start + BLOCK_ROWS] = (d2 <= fake_pr[None, :]).any(axis=1)
        inside = d2 < real_dc[start:start + BLOCK_ROWS, None]
        density_count += int(inside.sum())
        coverage_hit[start:start + BLOCK_ROWS] = inside.any(axis=1)
    return {
        "precision_count": int(precision_hit.sum()), "recall_count": int(recall_hit.sum()),
        "density_count": density_count, "coverage_count": int(coverage_hit.sum()),
        "precision": float(precision_hit.mean()), "recall": float(recall_hit.mean()),
        "density": density_count / (k_dc * len(fake)), "coverage": float(coverage_hit.mean()),
    }


def timed(fn, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, float(np.median(times))


def blas_name():
    try:
        from threadpoolctl import threadpool_info
        return "; ".join("%s %s (%s, %s threads)" % (i.get("internal_api"), i.get("version"), i.get("architecture"), i.get("num_threads"))
                         for i in threadpool_info() if i.get("user_api") == "blas")
    except ImportError:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return "%s %s" % (blas.get("name"), blas.get("version"))


def main():
    args = sys.argv[1:]
    repeats = 3
    if "--repeats" in args:
        position = args.index("--repeats")
        repeats = int(args[position + 1])
        del args[position:position + 2]
    work, dims_list = args[0], [int(d) for d in args[1:]]
    out = {"numpy": np.__version__, "scipy": __import__("scipy").__version__, "blas": blas_name(), "cases": {}}
    for dims in dims_list:
        real = np.load("%s/real_%d.npy" % (work, dims)).astype(np.float64)
        fake = np.load("%s/fake_%d.npy" % (work, dims)).astype(np.float64)
        real_subsets = np.load("%s/kid_real_%d.npy" % (work, dims))
        fake_subsets = np.load("%s/kid_fake_%d.npy" % (work, dims))
        fid_value, fid_ms = timed(lambda: fid(real, fake), repeats)
        kid_value, kid_ms = timed(lambda: kid(real, fake, real_subsets, fake_subsets), repeats)
        prdc_value, prdc_ms = timed(lambda: prdc(real, fake), repeats)
        out["cases"][str(dims)] = {
            "fid": fid_value, "kid_mean": kid_value[0], "kid_std": kid_value[1], "kid_full": kid_value[2], **prdc_value,
            "fid_ms": fid_ms, "kid_ms": kid_ms, "prdc_ms": prdc_ms, "total_ms": fid_ms + kid_ms + prdc_ms,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
