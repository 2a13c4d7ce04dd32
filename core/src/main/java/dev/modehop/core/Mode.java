package dev.modehop.core;

/** Which solution a model uses on a probe family at one checkpoint. */
public enum Mode {
    /** Solves the probe (follows the context, reasons): hard accuracy clearly above one half. */
    GENERALIZING,
    /** Repeats the shallow pattern: hard accuracy clearly below one half. */
    PARROT,
    /** Too few items (or too much noise) to tell which of the three modes the checkpoint is in. */
    UNDECIDED,
    /** A series without item counts (loss, benchmark accuracy): it has levels, not modes. */
    LEVEL,
    /**
     * Picks neither answer reliably: hard accuracy inside the band around one half, measured precisely
     * enough for the band to mean something. Declared last so that stored states and Avro readers that
     * know only the first four symbols keep their meaning.
     */
    MIXED
}
