package dev.modehop.core;

/** Whether the mode a hop reached held over the next checkpoints. */
public enum Verdict { STABLE, TRANSIENT, PENDING }
