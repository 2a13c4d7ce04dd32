package dev.modehop.core;

/** Which solution a model uses on a probe family at one checkpoint. */
public enum Mode {
    /** Solves the probe (follows the context, reasons): hard accuracy clearly above one half. */
    GENERALIZING,
    /** Repeats the shallow pattern: hard accuracy clearly below one half. */
    PARROT,
    /** Inside the hysteresis band, or too few items to tell. */
    UNDECIDED,
    /** A series without item counts (loss, benchmark accuracy): it has levels, not modes. */
    LEVEL
}
