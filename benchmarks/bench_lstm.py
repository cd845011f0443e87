"""LSTM forward + backward throughput against the machine's own matrix-multiply speed.

    python benchmarks/bench_lstm.py        # or: make bench (section "extra")

At (N, T, D, H) = (32, 50, 32, 128) almost all the arithmetic of an LSTM is in
matrix products: per pass 2·N·T·4H·(D + H) flops for the forward (input and
recurrent parts) and twice that for the backward (dX, dH_prev, dW_x, dW_h).
We time ``lstm_forward`` + ``lstm_backward`` and, separately, the very same
products (same shapes, same transposes, same dtype) with nothing around them.
GEMM-only time / LSTM time is the fraction of the LSTM's time spent doing useful
matrix work; the target is at least 0.5 (the elementwise gate arithmetic and
Python's per-step overhead take the rest). BLAS threads are whatever the
environment sets (the Makefile sets OMP/OPENBLAS_NUM_THREADS=1).
"""

import os
import statistics
import time

import numpy as np

from course_utils.lstm import init_lstm_params, lstm_backward, lstm_forward

SHAPE = dict(N=32, T=50, D=32, H=128)
TARGET = 0.5


def matmul_flops(N, T, D, H):
    """Forward X W_x and H_{t-1} W_h; backward dX, dH_prev, dW_x, dW_h: 3 × 2·N·T·4H·(D + H)."""
    return 3 * 2 * N * T * 4 * H * (D + H)


def median_seconds(fns, repeat):
    """Median time of each function. The functions run in turn, round after round,
    so a shared machine's load changes affect them alike and their ratio holds."""
    times = [[] for _ in fns]
    for round_ in range(repeat + 1):
        for fn, own in zip(fns, times):
            start = time.perf_counter()
            fn()
            if round_:  # round 0 is the warm-up
                own.append(time.perf_counter() - start)
    return [statistics.median(own) for own in times]


def lstm_pass(N, T, D, H, dtype, rng):
    params = init_lstm_params(D, H, rng, dtype=dtype)
    X = rng.standard_normal((N, T, D)).astype(dtype)
    dH = rng.standard_normal((N, T, H)).astype(dtype)

    def run():
        _, _, cache = lstm_forward(X, None, params)
        lstm_backward(dH, cache)
    return run


def gemm_only(N, T, D, H, dtype, rng):
    """The LSTM's products alone, in the layouts lstm.py uses."""
    a = lambda *shape: rng.standard_normal(shape).astype(dtype)  # noqa: E731
    X2, W_x, W_h, H_prev = a(T * N, D), a(D, 4 * H), a(H, 4 * H), a(N, H)
    dA_t, dA2, H2 = a(N, 4 * H), a(T * N, 4 * H), a(T * N, H)
    out = np.empty((N, 4 * H), dtype=dtype)

    def run():
        X2 @ W_x                                  # forward: input share of every step
        for _ in range(T):
            np.matmul(H_prev, W_h, out=out)       # forward: recurrent share, step by step
        for _ in range(T):
            dA_t @ W_h.T                          # backward: dH_prev, step by step
        X2.T @ dA2                                # dW_x
        H2.T @ dA2                                # dW_h
        dA2 @ W_x.T                               # dX
    return run


def main(repeat=20):
    threads = {k: os.environ.get(k, "unset") for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
    N, T, D, H = SHAPE.values()
    flops = matmul_flops(N, T, D, H)
    print(f"LSTM forward+backward at (N, T, D, H) = ({N}, {T}, {D}, {H}); "
          f"{flops / 1e6:.0f} MFLOP of matrix products per pass; threads {threads}; median of {repeat}")
    print(f"{'dtype':<8} {'LSTM ms':>8} {'GFLOP/s':>8} {'GEMM ms':>8} {'GEMM GFLOP/s':>13} {'ratio':>6}  verdict")
    ratios = {}
    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(0)
        t_lstm, t_gemm = median_seconds([lstm_pass(N, T, D, H, dtype, rng), gemm_only(N, T, D, H, dtype, rng)],
                                        repeat)
        ratio = t_gemm / t_lstm
        ratios[np.dtype(dtype).name] = ratio
        print(f"{np.dtype(dtype).name:<8} {t_lstm * 1e3:>8.1f} {flops / t_lstm / 1e9:>8.1f} "
              f"{t_gemm * 1e3:>8.1f} {flops / t_gemm / 1e9:>13.1f} {ratio:>6.2f}  "
              f"{'ok' if ratio >= TARGET else 'BELOW TARGET'} (target >= {TARGET} of GEMM throughput)")
    return ratios


if __name__ == "__main__":
    main()
