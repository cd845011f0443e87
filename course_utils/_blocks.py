"""Gate blocks side by side: the fused matrices of the gated cells, and back to per-gate names.

A gated cell computes several pre-activations with the same shape, X_t W_x<g> + H_{t-1} W_h<g> + b_<g>
for each gate g. Placing the matrices side by side, W_x = [W_x<g1> | W_x<g2> | ...], turns them
into one product; column block k of the result belongs to gate k. lstm and gru both do this.
"""

import numpy as np


def stack_blocks(params, blocks, prefix):
    """[params[prefix + g] for g in blocks] side by side along the last axis (one array)."""
    return np.concatenate([params[f"{prefix}{g}"] for g in blocks], axis=-1)


def split_blocks(blocks, **stacked):
    """The inverse of ``stack_blocks`` for several prefixes at once: column block k -> prefix + blocks[k].

    ``split_blocks("ifoc", W_x=dW_x, b_=db)`` gives {"W_xi": ..., "b_i": ..., "W_xf": ..., ...}
    (views, in the order of ``blocks``).
    """
    out = {}
    for k, g in enumerate(blocks):
        for prefix, array in stacked.items():
            width = array.shape[-1] // len(blocks)
            out[f"{prefix}{g}"] = array[..., k * width:(k + 1) * width]
    return out
