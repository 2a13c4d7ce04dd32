package dev.modehop.core;

/** Whether a hop raised or lowered the series' score. */
public enum Direction { UP, DOWN }
