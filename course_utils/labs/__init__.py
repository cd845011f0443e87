"""The widget side of the course: one ``<chapter>_lab`` module per notebook, plus the widget layer.

Everything under ``course_utils.labs`` may import ipywidgets, matplotlib and the core;
the core (cells, losses, optim, data, sequence, tasks, gradflow, compare, seq2seq, revision, ...)
never imports anything from here, so it runs, and is tested, without a notebook front end.

    widgets        Result/problem, Experiment (controls around a function), Quiz, show, render
    setup_check    00: environment report, the "can you move this slider?" wave
    mlp_lab        01: decision boundaries of a trained MLP
    rnn_lab        02: unrolled diagrams, sentiment, segmentation, sampling, hidden states
    gradflow_lab   03: gradient norm against time for a random RNN
    lstm_lab       04: LSTM vs RNN gradient flow, the memory task live, gate heatmaps
    gru_lab        05: cost of every cell, the gates of a trained GRU on typed text
    seq2seq_lab    06: date translation: attention maps, beam search
    revision_lab   07: flash cards, the cell path slider, the timed quiz
    drills_lab     07: the hand-calculation drill (question, answer check, worked solution)
"""
