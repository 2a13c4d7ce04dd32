"""Thin adapters from training frameworks' callback hooks to a TrainingRun.

Each subclasses the framework's callback base class when the framework is importable and is a plain
object otherwise; either way only the documented hook signatures are used, so the adapters carry no
framework dependency.
"""
