"""course_utils.char_lm: the character language model shared by chapters 02, 04 and 05."""

import numpy as np

from course_utils.char_lm import train_char_lm


def test_train_char_lm_is_deterministic_and_records_validation():
    p1, h1, v1 = train_char_lm("lstm", 8, steps=6, seq_len=8, batch_size=4, eval_every=3)
    p2, h2, v2 = train_char_lm("lstm", 8, steps=6, seq_len=8, batch_size=4, eval_every=3)
    assert h1.losses == h2.losses and len(h1.losses) == 6
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(v1[:, 0], [0, 3, 6])
    assert np.all(np.isfinite(v1[:, 1])) and p1["W_xi"].dtype == np.float32
