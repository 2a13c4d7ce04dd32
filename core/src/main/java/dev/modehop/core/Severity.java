package dev.modehop.core;

public enum Severity { INFO, WARN, CRITICAL }
