package dev.modehop.core;

/** What a control command asks the training job to do. */
public enum ControlAction { PAUSE, RESUME, ADJUST_MIXTURE }
