"""Checks for the workbooks: call the learner's function, compare with course_utils, name the mistake.

    from course_utils.checks import check_rnn_step_forward
    result = check_rnn_step_forward(rnn_step_forward)   # prints the report; truthy iff correct

A check never raises on the learner's crash. See ``core`` for the machinery (Spec, Case,
Mutant, mutants, run_check) that a new chapter's checks reuse: one Spec per function, with a
mutant library of known mistakes. ``mlp``, ``rnn``, ``lm``, ``gradflow``, ``lstm``, ``gru``,
``attention`` and ``seq2seq`` are the chapters' Specs.
"""

from .attention import check_attention_backward, check_attention_forward
from .core import NOT_IMPLEMENTED, Case, Mismatch, Mutant, Result, Spec, mutants, run_check
from .gradflow import check_clip_by_global_norm, check_global_norm, check_jacobian_product, check_step_jacobian
from .gru import check_gru_backward, check_gru_forward, check_gru_step_backward, check_gru_step_forward
from .lm import check_sample_with_temperature, check_temporal_softmax_loss
from .lstm import check_lstm_backward, check_lstm_forward, check_lstm_step_backward, check_lstm_step_forward
from .mlp import (check_affine_backward, check_affine_forward, check_relu_backward, check_softmax_cross_entropy,
                  check_tanh_backward, check_two_layer_loss)
from .rnn import check_rnn_backward, check_rnn_forward, check_rnn_step_backward, check_rnn_step_forward
from .seq2seq import check_beam_search, check_greedy_decode, check_teacher_forced_loss

__all__ = ["NOT_IMPLEMENTED", "Case", "Mismatch", "Mutant", "Result", "Spec", "mutants", "run_check",
           "check_affine_forward", "check_affine_backward", "check_relu_backward", "check_tanh_backward",
           "check_softmax_cross_entropy", "check_two_layer_loss", "check_rnn_step_forward",
           "check_rnn_step_backward", "check_rnn_forward", "check_rnn_backward",
           "check_temporal_softmax_loss", "check_sample_with_temperature",
           "check_step_jacobian", "check_jacobian_product", "check_global_norm", "check_clip_by_global_norm",
           "check_lstm_step_forward", "check_lstm_step_backward", "check_lstm_forward", "check_lstm_backward",
           "check_gru_step_forward", "check_gru_step_backward", "check_gru_forward", "check_gru_backward",
           "check_attention_forward", "check_attention_backward", "check_greedy_decode", "check_beam_search",
           "check_teacher_forced_loss"]
